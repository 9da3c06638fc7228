// SPDX-License-Identifier: Apache-2.0
#include "hive/layeredhive.h"

#include "hive/hiveformat.h"
#include "hive/systemhives.h"

#include <map>
#include <set>
#include <vector>

namespace layerscope::hive {

namespace {

std::u16string foldedName(const std::string& utf8)
{
    return upcase(utf8ToUtf16(utf8)); // reader names are valid UTF-8 (utf16ToUtf8)
}

// `nodes` are the same key in each layer, least derived first (nullptr where a layer lacks it). Returns the
// nodes that contribute, most derived first, following registry-delta-hives §4 steps 1 and 2.
std::vector<const HiveReader::Key*> contributing(std::span<const HiveReader::Key* const> nodes)
{
    std::vector<const HiveReader::Key*> out;
    for (size_t i = nodes.size(); i-- > 0;) {
        const HiveReader::Key* node = nodes[i];
        if (!node)
            continue;
        const LayerSemantics semantics = layerSemantics(*node);
        if (semantics == LayerSemantics::Tombstone)
            break;
        out.push_back(node);
        if (semantics != LayerSemantics::Inherit)
            break;
    }
    return out;
}

void mergeInto(HiveKey& merged, const std::vector<const HiveReader::Key*>& nodes, unsigned depth)
{
    // Class: the most derived node that does not inherit it (registry-delta-hives §3.1, "Inherit class").
    for (const HiveReader::Key* node : nodes)
        if (!(node->layerBits & 0x80)) {
            merged.className = node->className;
            break;
        }

    // Values: the first (most derived) node naming a value decides it; a tombstone there removes it.
    std::set<std::u16string> decided;
    for (const HiveReader::Key* node : nodes)
        for (const HiveReader::Value& value : node->values) {
            if (!decided.insert(foldedName(value.name)).second || (value.flags & kValueTombstone))
                continue;
            merged.values.push_back(HiveValue {value.name, value.type, value.data});
        }

    if (depth >= kMaxKeyDepth)
        return; // the readers cap nesting too; a deeper merge could only come from forged input
    // Subkeys: the union over the contributing nodes, each child resolved from the same layers only.
    std::map<std::u16string, std::vector<const HiveReader::Key*>> children; // folded name -> per node, or null
    std::vector<std::u16string> order;
    for (size_t n = 0; n < nodes.size(); ++n)
        for (const HiveReader::Key& child : nodes[n]->subkeys) {
            auto [it, added] = children.try_emplace(foldedName(child.name));
            if (added) {
                it->second.assign(nodes.size(), nullptr);
                order.push_back(it->first);
            }
            if (!it->second[n])
                it->second[n] = &child;
        }
    for (const std::u16string& folded : order) {
        std::vector<const HiveReader::Key*>& perNode = children[folded];
        // contributing() wants least derived first; `nodes` is most derived first.
        const std::vector<const HiveReader::Key*> stack(perNode.rbegin(), perNode.rend());
        const std::vector<const HiveReader::Key*> childNodes = contributing(stack);
        if (childNodes.empty())
            continue; // deleted by a tombstone
        HiveKey child(childNodes.front()->name);
        mergeInto(child, childNodes, depth + 1);
        merged.subkeys.push_back(std::move(child));
    }
}

} // namespace

LayerSemantics layerSemantics(const HiveReader::Key& key)
{
    return LayerSemantics(key.layerBits & 0x03);
}

HiveKey mergeLayeredHive(std::span<const HiveReader::Key* const> stack)
{
    const std::vector<const HiveReader::Key*> nodes = contributing(stack);
    if (nodes.empty())
        return HiveKey(std::string(kSystemHiveRootName)); // every layer deleted the root: an empty hive
    HiveKey root(nodes.back()->name); // the root keeps the base hive's name: deltas name theirs as they like
    mergeInto(root, nodes, 0);
    return root;
}

} // namespace layerscope::hive
