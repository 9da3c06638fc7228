// SPDX-License-Identifier: Apache-2.0
#include "hivekey.h"

#include "hiveformat.h"

namespace layerscope::hive {

namespace {

bool sameName(std::string_view a, std::string_view b)
{
    return compareNames(utf8ToUtf16(a), utf8ToUtf16(b)) == 0;
}

} // namespace

HiveKey& HiveKey::child(std::string_view childName)
{
    for (HiveKey& k : subkeys)
        if (sameName(k.name, childName))
            return k;
    subkeys.emplace_back(std::string(childName));
    return subkeys.back();
}

HiveKey& HiveKey::path(std::string_view relativePath)
{
    HiveKey* key = this;
    while (!relativePath.empty()) {
        const size_t sep = relativePath.find('\\');
        key = &key->child(relativePath.substr(0, sep));
        relativePath = sep == std::string_view::npos ? std::string_view() : relativePath.substr(sep + 1);
    }
    return *key;
}

const HiveKey* HiveKey::findChild(std::string_view childName) const
{
    for (const HiveKey& k : subkeys)
        if (sameName(k.name, childName))
            return &k;
    return nullptr;
}

HiveKey& HiveKey::set(HiveValue value)
{
    for (HiveValue& v : values) {
        if (sameName(v.name, value.name)) {
            v = std::move(value);
            return *this;
        }
    }
    values.push_back(std::move(value));
    return *this;
}

const HiveValue* HiveKey::findValue(std::string_view valueName) const
{
    for (const HiveValue& v : values)
        if (sameName(v.name, valueName))
            return &v;
    return nullptr;
}

} // namespace layerscope::hive
