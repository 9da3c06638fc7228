// SPDX-License-Identifier: Apache-2.0
#include "hiveformat.h"

#include "common/error.h"

#include <algorithm>
#include <cstdio>

namespace layerscope::hive {

uint32_t baseBlockChecksum(std::span<const uint8_t> baseBlock)
{
    uint32_t sum = 0;
    for (size_t off = 0; off < 508 && off + 4 <= baseBlock.size(); off += 4)
        sum ^= readU32(baseBlock.data() + off);
    return sum;
}

uint32_t windowsChecksum(uint32_t plainXor)
{
    if (plainXor == 0xFFFFFFFF)
        return 0xFFFFFFFE;
    if (plainXor == 0)
        return 1;
    return plainXor;
}

std::u16string utf8ToUtf16(std::string_view utf8)
{
    std::u16string out;
    out.reserve(utf8.size());
    size_t i = 0;
    auto bad
        = [&]() { return Error("invalid UTF-8 at byte " + std::to_string(i) + " of \"" + std::string(utf8) + "\""); };
    while (i < utf8.size()) {
        const uint8_t c = uint8_t(utf8[i]);
        uint32_t cp;
        size_t extra;
        if (c < 0x80) {
            cp = c;
            extra = 0;
        } else if ((c & 0xE0) == 0xC0) {
            cp = c & 0x1F;
            extra = 1;
        } else if ((c & 0xF0) == 0xE0) {
            cp = c & 0x0F;
            extra = 2;
        } else if ((c & 0xF8) == 0xF0) {
            cp = c & 0x07;
            extra = 3;
        } else {
            throw bad();
        }
        if (i + extra >= utf8.size() && extra > 0)
            throw bad();
        for (size_t k = 1; k <= extra; ++k) {
            const uint8_t cc = uint8_t(utf8[i + k]);
            if ((cc & 0xC0) != 0x80)
                throw bad();
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Reject overlong forms, surrogates and values past U+10FFFF so every name has exactly one encoding.
        static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            throw bad();
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out.push_back(char16_t(0xD800 + (cp >> 10)));
            out.push_back(char16_t(0xDC00 + (cp & 0x3FF)));
        } else {
            out.push_back(char16_t(cp));
        }
        i += extra + 1;
    }
    return out;
}

std::u16string utf16FromLe(std::span<const uint8_t> bytes)
{
    std::u16string out;
    out.reserve(bytes.size() / 2);
    for (size_t i = 0; i + 1 < bytes.size(); i += 2)
        out.push_back(char16_t(readU16(bytes.data() + i)));
    return out;
}

std::u16string decodeStoredName(std::span<const uint8_t> bytes, bool compressed)
{
    if (!compressed)
        return utf16FromLe(bytes);
    std::u16string out;
    out.reserve(bytes.size());
    for (uint8_t b : bytes)
        out.push_back(char16_t(b));
    return out;
}

bool fitsLatin1(std::u16string_view name)
{
    for (char16_t c : name)
        if (c > 0xFF)
            return false;
    return true;
}

// Written by hand because towupper() depends on the C locale and differs between glibc and MSVC, while hive
// sort order and lh hashes (regf-hive-format §7) must not depend on the machine. Covers the simple 1:1 mappings
// of Latin, Greek, Cyrillic, Armenian and fullwidth letters; everything else (ß, CJK, symbols such as ™) is its
// own upper case, which is what the hashes in a Windows-written hive (hivex images/special) confirm.
char16_t upcaseUnit(char16_t c)
{
    const uint32_t u = c;
    auto pairEvenUpper = [&](uint32_t lo, uint32_t hi) { return u >= lo && u <= hi && (u & 1) == 1; };
    auto pairOddUpper = [&](uint32_t lo, uint32_t hi) { return u >= lo && u <= hi && (u & 1) == 0; };
    if (u < 0x80)
        return (u >= 'a' && u <= 'z') ? char16_t(u - 32) : c;
    if (u == 0xB5)
        return 0x39C;
    if (u >= 0xE0 && u <= 0xFE && u != 0xF7)
        return char16_t(u - 32);
    if (u == 0xFF)
        return 0x178;
    if (pairEvenUpper(0x100, 0x12F) || pairEvenUpper(0x132, 0x137) || pairEvenUpper(0x14A, 0x177))
        return char16_t(u - 1);
    if (pairOddUpper(0x139, 0x148) || pairOddUpper(0x179, 0x17E))
        return char16_t(u - 1);
    if (u == 0x3AC)
        return 0x386;
    if (u >= 0x3AD && u <= 0x3AF)
        return char16_t(u - 37);
    if (u == 0x3C2)
        return 0x3A3;
    if (u >= 0x3B1 && u <= 0x3CB)
        return char16_t(u - 32);
    if (u == 0x3CC)
        return 0x38C;
    if (u == 0x3CD || u == 0x3CE)
        return char16_t(u - 63);
    if (u >= 0x430 && u <= 0x44F)
        return char16_t(u - 32);
    if (u >= 0x450 && u <= 0x45F)
        return char16_t(u - 80);
    if (pairEvenUpper(0x460, 0x481) || pairEvenUpper(0x48A, 0x4BF) || pairEvenUpper(0x4D0, 0x52F))
        return char16_t(u - 1);
    if (u >= 0x561 && u <= 0x586)
        return char16_t(u - 48);
    if (pairEvenUpper(0x1E00, 0x1E95) || pairEvenUpper(0x1EA0, 0x1EFF))
        return char16_t(u - 1);
    if (u >= 0x2170 && u <= 0x217F)
        return char16_t(u - 16);
    if (u >= 0x24D0 && u <= 0x24E9)
        return char16_t(u - 26);
    if (u >= 0xFF41 && u <= 0xFF5A)
        return char16_t(u - 32);
    return c;
}

std::u16string upcase(std::u16string_view name)
{
    std::u16string out(name);
    for (char16_t& c : out)
        c = upcaseUnit(c);
    return out;
}

int compareNames(std::u16string_view a, std::u16string_view b)
{
    const size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
        const char16_t ua = upcaseUnit(a[i]);
        const char16_t ub = upcaseUnit(b[i]);
        if (ua != ub)
            return ua < ub ? -1 : 1;
    }
    if (a.size() == b.size())
        return 0;
    return a.size() < b.size() ? -1 : 1;
}

uint32_t lhHash(std::u16string_view name)
{
    uint32_t h = 0;
    for (char16_t c : name)
        h = h * 37 + upcaseUnit(c);
    return h;
}

uint32_t lfHint(std::u16string_view name)
{
    uint8_t hint[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < 4 && i < name.size(); ++i) {
        if (name[i] > 0xFF)
            return 0; // §7: 0 in the first byte when a character does not fit
        hint[i] = uint8_t(name[i]);
    }
    return readU32(hint);
}

std::string formatFileTime(uint64_t fileTime)
{
    if (fileTime < kFileTimeUnixEpoch)
        return "before 1970 (FILETIME " + std::to_string(fileTime) + ")";
    const uint64_t ticks = fileTime - kFileTimeUnixEpoch;
    int64_t seconds = int64_t(ticks / 10000000ull);
    const uint32_t fraction = uint32_t(ticks % 10000000ull);
    // Civil-from-days (Howard Hinnant's algorithm): gmtime is not thread-safe and gmtime_r is not portable.
    int64_t days = seconds / 86400;
    const int64_t secOfDay = seconds % 86400;
    days += 719468;
    const int64_t era = days / 146097;
    const int64_t doe = days - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t year = yoe + era * 400;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const int64_t month = mp < 10 ? mp + 3 : mp - 9;
    if (month <= 2)
        ++year;
    char buf[64];
    if (fraction)
        std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%07uZ", (long long)year,
                      (long long)month, (long long)day, (long long)(secOfDay / 3600), (long long)(secOfDay / 60 % 60),
                      (long long)(secOfDay % 60), fraction);
    else
        std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", (long long)year, (long long)month,
                      (long long)day, (long long)(secOfDay / 3600), (long long)(secOfDay / 60 % 60),
                      (long long)(secOfDay % 60));
    return buf;
}

std::string hexOffset(uint64_t offset)
{
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)offset);
    return buf;
}

} // namespace layerscope::hive
