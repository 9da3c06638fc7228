// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "hivevalue.h"

#include <string>
#include <string_view>
#include <vector>

namespace layerscope::hive {

// An in-memory key to be written by HiveWriter: a name (UTF-8), an optional class name, subkeys and values.
// Order of subkeys does not matter (the writer sorts them, regf-hive-format §7); values keep insertion order (§12).
struct HiveKey
{
    std::string name;
    std::string className; // empty = none (§6 offset 48 NIL)
    // nk byte 13 of a delta hive (registry-delta-hives §3.1): layer semantics in the low two bits, 0x80 = the
    // class is inherited. 0 in every ordinary hive.
    uint8_t layerBits = 0;
    std::vector<HiveKey> subkeys;
    std::vector<HiveValue> values;

    HiveKey() = default;
    explicit HiveKey(std::string keyName)
        : name(std::move(keyName))
    { }

    // The direct child with this name (compared case-insensitively like Windows, §7), appended if missing.
    HiveKey& child(std::string_view childName);
    // Like child(), for a backslash-separated path of several levels ("Objects\\{guid}\\Description").
    HiveKey& path(std::string_view relativePath);
    const HiveKey* findChild(std::string_view childName) const;

    // Replaces the value with the same name (case-insensitively) or appends it; returns *this for chaining.
    HiveKey& set(HiveValue value);
    const HiveValue* findValue(std::string_view valueName) const;
};

} // namespace layerscope::hive
