// SPDX-License-Identifier: Apache-2.0
#include "hive/deltahivecombiner.h"

#include "hive/hiveformat.h"
#include "hive/layeredhive.h"
#include "hive/systemhives.h"

#include <map>
#include <set>
#include <string>

namespace layerscope::hive {

namespace {

constexpr uint8_t kSemanticsMask = 0x03;
constexpr uint8_t kInheritClass = 0x80;

std::u16string foldedName(const std::string& utf8)
{
    return upcase(utf8ToUtf16(utf8));
}

LayerSemantics semanticsOf(const HiveKey& key)
{
    return LayerSemantics(key.layerBits & kSemanticsMask);
}

HiveKey toHiveKeyAt(const HiveReader::Key& key, unsigned depth)
{
    HiveKey out(key.name);
    out.className = key.className;
    out.layerBits = key.layerBits;
    for (const HiveReader::Value& value : key.values) {
        HiveValue v {value.name, value.type, value.data};
        v.tombstone = value.flags & kValueTombstone;
        if (v.tombstone)
            v = HiveValue::deleted(value.name);
        out.values.push_back(std::move(v));
    }
    if (depth < kMaxKeyDepth) // the reader caps nesting too; deeper only from forged input
        for (const HiveReader::Key& child : key.subkeys)
            out.subkeys.push_back(toHiveKeyAt(child, depth + 1));
    return out;
}

// `upper` applied after `lower` (both the same key path of two deltas).
HiveKey combine(HiveKey lower, HiveKey upper, unsigned depth)
{
    const LayerSemantics above = semanticsOf(upper);
    if (above != LayerSemantics::Inherit)
        return upper; // a tombstone or supersede node hides everything earlier
    const LayerSemantics below = semanticsOf(lower);
    if (below == LayerSemantics::Tombstone) {
        // The earlier deletion still hides the layers under the run; the later key contributes alone.
        upper.layerBits = uint8_t((upper.layerBits & ~kSemanticsMask) | uint8_t(LayerSemantics::SupersedeLocal));
        return upper;
    }

    HiveKey out(upper.name);
    out.layerBits = uint8_t(lower.layerBits & kSemanticsMask);
    if (upper.layerBits & kInheritClass) {
        out.className = lower.className;
        out.layerBits |= lower.layerBits & kInheritClass;
    } else {
        out.className = upper.className;
    }

    std::set<std::u16string> named;
    for (HiveValue& value : upper.values)
        if (named.insert(foldedName(value.name)).second)
            out.values.push_back(std::move(value));
    for (HiveValue& value : lower.values)
        if (named.insert(foldedName(value.name)).second)
            out.values.push_back(std::move(value));

    if (depth >= kMaxKeyDepth)
        return out;
    std::map<std::u16string, size_t> position; // folded name -> index in out.subkeys
    for (HiveKey& child : lower.subkeys) {
        position.emplace(foldedName(child.name), out.subkeys.size());
        out.subkeys.push_back(std::move(child));
    }
    for (HiveKey& child : upper.subkeys) {
        auto it = position.find(foldedName(child.name));
        if (it == position.end()) {
            position.emplace(foldedName(child.name), out.subkeys.size());
            out.subkeys.push_back(std::move(child));
            continue;
        }
        HiveKey& earlier = out.subkeys[it->second];
        earlier = combine(std::move(earlier), std::move(child), depth + 1);
    }
    return out;
}

} // namespace

HiveKey toHiveKey(const HiveReader::Key& key)
{
    return toHiveKeyAt(key, 0);
}

HiveKey combineDeltaHives(std::span<const HiveReader::Key* const> deltas)
{
    std::optional<HiveKey> combined;
    for (const HiveReader::Key* delta : deltas) {
        if (!delta)
            continue;
        HiveKey next = toHiveKey(*delta);
        combined = combined ? combine(std::move(*combined), std::move(next), 0) : std::move(next);
    }
    return combined ? std::move(*combined) : HiveKey(std::string(kSystemHiveRootName));
}

} // namespace layerscope::hive
