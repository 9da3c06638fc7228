// SPDX-License-Identifier: Apache-2.0
#include "hivevalue.h"

#include "hiveformat.h"

#include <cstdio>

namespace layerscope::hive {

namespace {

void appendUtf16Le(std::vector<uint8_t>& out, std::string_view utf8)
{
    for (char16_t c : utf8ToUtf16(utf8)) {
        out.push_back(uint8_t(c));
        out.push_back(uint8_t(c >> 8));
    }
}

bool isStringType(uint32_t type)
{
    return type == RegSz || type == RegExpandSz || type == RegLink;
}

} // namespace

HiveValue HiveValue::string(std::string name, std::string_view utf8, uint32_t type)
{
    HiveValue v {std::move(name), type, {}};
    appendUtf16Le(v.data, utf8);
    v.data.push_back(0); // regf-hive-format §8: REG_SZ includes its terminating NUL
    v.data.push_back(0);
    return v;
}

HiveValue HiveValue::expandString(std::string name, std::string_view utf8)
{
    return string(std::move(name), utf8, RegExpandSz);
}

HiveValue HiveValue::multiString(std::string name, const std::vector<std::string>& utf8Strings)
{
    HiveValue v {std::move(name), RegMultiSz, {}};
    for (const std::string& s : utf8Strings) {
        appendUtf16Le(v.data, s);
        v.data.push_back(0);
        v.data.push_back(0);
    }
    v.data.push_back(0); // §8: one extra NUL ends the list ("one\0two\0\0")
    v.data.push_back(0);
    return v;
}

HiveValue HiveValue::dword(std::string name, uint32_t value)
{
    HiveValue v {std::move(name), RegDword, std::vector<uint8_t>(4)};
    writeU32(v.data.data(), value);
    return v;
}

HiveValue HiveValue::qword(std::string name, uint64_t value)
{
    HiveValue v {std::move(name), RegQword, std::vector<uint8_t>(8)};
    writeU64(v.data.data(), value);
    return v;
}

HiveValue HiveValue::binary(std::string name, std::vector<uint8_t> bytes, uint32_t type)
{
    return HiveValue {std::move(name), type, std::move(bytes)};
}

HiveValue HiveValue::deleted(std::string name)
{
    HiveValue v {std::move(name), RegNone, {}};
    v.tombstone = true;
    return v;
}

std::string valueTypeName(uint32_t type)
{
    switch (type) {
    case RegNone:
        return "REG_NONE";
    case RegSz:
        return "REG_SZ";
    case RegExpandSz:
        return "REG_EXPAND_SZ";
    case RegBinary:
        return "REG_BINARY";
    case RegDword:
        return "REG_DWORD";
    case RegDwordBigEndian:
        return "REG_DWORD_BIG_ENDIAN";
    case RegLink:
        return "REG_LINK";
    case RegMultiSz:
        return "REG_MULTI_SZ";
    case RegResourceList:
        return "REG_RESOURCE_LIST";
    case RegFullResourceDescriptor:
        return "REG_FULL_RESOURCE_DESCRIPTOR";
    case RegResourceRequirementsList:
        return "REG_RESOURCE_REQUIREMENTS_LIST";
    case RegQword:
        return "REG_QWORD";
    }
    char buf[24];
    std::snprintf(buf, sizeof buf, "REG_0x%08X", type);
    return buf;
}

std::string decodeRegString(std::span<const uint8_t> data)
{
    std::u16string units = utf16FromLe(data);
    if (const size_t nul = units.find(u'\0'); nul != std::u16string::npos)
        units.resize(nul);
    return utf16ToUtf8(units);
}

std::vector<std::string> decodeMultiString(std::span<const uint8_t> data)
{
    const std::u16string units = utf16FromLe(data);
    std::vector<std::string> out;
    size_t start = 0;
    while (start < units.size()) {
        size_t end = units.find(u'\0', start);
        if (end == std::u16string::npos)
            end = units.size(); // tolerate a missing terminator
        if (end == start)
            break; // the empty string ends the list
        out.push_back(utf16ToUtf8(std::u16string_view(units).substr(start, end - start)));
        start = end + 1;
    }
    return out;
}

std::string hexBytes(std::span<const uint8_t> data, size_t maxBytes)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    const size_t n = std::min(data.size(), maxBytes);
    out.reserve(n * 3);
    for (size_t i = 0; i < n; ++i) {
        if (i)
            out.push_back(' ');
        out.push_back(digits[data[i] >> 4]);
        out.push_back(digits[data[i] & 15]);
    }
    if (n < data.size())
        out += " … (" + std::to_string(data.size()) + " bytes)";
    return out;
}

namespace {

std::string quoted(const std::string& s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out.push_back('\\');
        if (c == '\0') {
            out += "\\0";
            continue;
        }
        out.push_back(c);
    }
    return out + "\"";
}

std::string hexNumber(uint64_t v, int width)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%0*llx", width, (unsigned long long)v);
    return buf;
}

} // namespace

std::string renderValueData(uint32_t type, std::span<const uint8_t> data, size_t maxBytes)
{
    if (isStringType(type))
        return quoted(decodeRegString(data));
    if (type == RegMultiSz) {
        std::string out = "[";
        for (const std::string& s : decodeMultiString(data))
            out += (out.size() > 1 ? ", " : "") + quoted(s);
        return out + "]";
    }
    if (type == RegDword && data.size() == 4) {
        const uint32_t v = readU32(data.data());
        return hexNumber(v, 8) + " (" + std::to_string(v) + ")";
    }
    if (type == RegDwordBigEndian && data.size() == 4) {
        const uint32_t v = (uint32_t(data[0]) << 24) | (uint32_t(data[1]) << 16) | (uint32_t(data[2]) << 8) | data[3];
        return hexNumber(v, 8) + " (" + std::to_string(v) + ")";
    }
    if (type == RegQword && data.size() == 8) {
        const uint64_t v = readU64(data.data());
        return hexNumber(v, 16) + " (" + std::to_string(v) + ")";
    }
    if (data.empty())
        return "(no data)";
    return "hex: " + hexBytes(data, maxBytes);
}

nlohmann::json valueDataToJson(uint32_t type, std::span<const uint8_t> data)
{
    if (isStringType(type))
        return decodeRegString(data);
    if (type == RegMultiSz)
        return decodeMultiString(data);
    if ((type == RegDword || type == RegDwordBigEndian) && data.size() == 4)
        return type == RegDword
            ? readU32(data.data())
            : (uint32_t(data[0]) << 24) | (uint32_t(data[1]) << 16) | (uint32_t(data[2]) << 8) | data[3];
    if (type == RegQword && data.size() == 8)
        return readU64(data.data());
    std::string hex;
    static const char digits[] = "0123456789abcdef";
    for (uint8_t b : data) {
        hex.push_back(digits[b >> 4]);
        hex.push_back(digits[b & 15]);
    }
    return hex;
}

} // namespace layerscope::hive
