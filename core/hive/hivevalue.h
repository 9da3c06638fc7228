// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope::hive {

// Registry value types (regf-hive-format §8). Other numbers are legal and kept as they are.
enum RegType : uint32_t {
    RegNone = 0,
    RegSz = 1,
    RegExpandSz = 2,
    RegBinary = 3,
    RegDword = 4,
    RegDwordBigEndian = 5,
    RegLink = 6,
    RegMultiSz = 7,
    RegResourceList = 8,
    RegFullResourceDescriptor = 9,
    RegResourceRequirementsList = 10,
    RegQword = 11,
};

// One value to write: name in UTF-8 (empty = the key's default value "@"), type and raw data bytes exactly as
// they go into the hive. The factories encode data the way Windows stores it (§8: strings are UTF-16LE with
// their terminating NUL, MULTI_SZ ends with an extra NUL, integers little-endian).
struct HiveValue
{
    std::string name;
    uint32_t type = RegNone;
    std::vector<uint8_t> data;
    // A deletion marker of a delta hive (registry-delta-hives §3.2): written as REG_NONE without data.
    bool tombstone = false;

    static HiveValue string(std::string name, std::string_view utf8, uint32_t type = RegSz);
    static HiveValue expandString(std::string name, std::string_view utf8);
    static HiveValue multiString(std::string name, const std::vector<std::string>& utf8Strings);
    static HiveValue dword(std::string name, uint32_t value);
    static HiveValue qword(std::string name, uint64_t value);
    static HiveValue binary(std::string name, std::vector<uint8_t> bytes, uint32_t type = RegBinary);
    static HiveValue deleted(std::string name);
};

// "REG_SZ", "REG_DWORD", …; unknown numbers as "REG_0x0000002A".
std::string valueTypeName(uint32_t type);

// REG_SZ-style data: UTF-16LE up to the first NUL (or the end), as UTF-8.
std::string decodeRegString(std::span<const uint8_t> data);
// REG_MULTI_SZ data: the NUL-separated strings; the empty string that ends the list is not included.
std::vector<std::string> decodeMultiString(std::span<const uint8_t> data);
// Lower-case hex, bytes separated by spaces ("01 02 03"); at most maxBytes shown, then "… (N bytes)".
std::string hexBytes(std::span<const uint8_t> data, size_t maxBytes = SIZE_MAX);

// A one-line human rendering: strings quoted, MULTI_SZ as a list, DWORD/QWORD as hex and decimal, others hex.
std::string renderValueData(uint32_t type, std::span<const uint8_t> data, size_t maxBytes = 256);
// A JSON rendering for scripts: strings, arrays of strings, numbers for well-sized DWORD/QWORD, else a hex string.
nlohmann::json valueDataToJson(uint32_t type, std::span<const uint8_t> data);

} // namespace layerscope::hive
