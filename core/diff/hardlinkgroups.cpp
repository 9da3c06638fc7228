// SPDX-License-Identifier: Apache-2.0
#include "diff/hardlinkgroups.h"

#include "wcow/casefold.h"

#include <algorithm>

namespace layerscope::diff {

using Record = index::TreeIndex::Record;

namespace {

// Link chains longer than this are malformed input (or a cycle); treat the last name reached as the file.
constexpr int kMaxLinkHops = 64;

std::string_view trimLinkTarget(std::string_view target)
{
    while (target.starts_with("./"))
        target.remove_prefix(2);
    while (target.starts_with('/'))
        target.remove_prefix(1);
    while (target.ends_with('/'))
        target.remove_suffix(1);
    return target;
}

} // namespace

std::string HardlinkGroups::key(std::string_view path) const
{
    return m_fold ? wcow::foldCase(path) : std::string(path);
}

HardlinkGroups::HardlinkGroups(const index::TreeIndex& tree, bool fold)
    : m_fold(fold)
{
    for (const Record& r : tree.records()) {
        if (r.type != wcow::EntryType::Hardlink || r.node == index::InvalidNode)
            continue;
        // Follow the chain to the name that holds the data.
        std::string rootPath(trimLinkTarget(tree.linkTarget(r)));
        for (int hop = 0; hop < kMaxLinkHops; ++hop) {
            const index::NodeId n = tree.find(rootPath);
            const Record* target = n == index::InvalidNode ? nullptr : tree.record(n);
            if (!target || target->type != wcow::EntryType::Hardlink)
                break;
            rootPath = std::string(trimLinkTarget(tree.linkTarget(*target)));
        }
        const index::NodeId rootNode = tree.find(rootPath);
        if (rootNode != index::InvalidNode)
            rootPath = tree.path(rootNode);
        const std::string rootKey = key(rootPath);
        auto [it, inserted] = m_groupOfKey.try_emplace(rootKey, uint32_t(m_groups.size()));
        if (inserted)
            m_groups.push_back({Member {rootKey, rootPath}});
        const std::string linkPath = tree.path(r.node);
        std::string linkKey = key(linkPath);
        if (m_groupOfKey.try_emplace(linkKey, it->second).second)
            m_groups[it->second].push_back({std::move(linkKey), linkPath});
    }
    for (auto& g : m_groups)
        std::sort(g.begin(), g.end());
}

const std::vector<HardlinkGroups::Member>* HardlinkGroups::groupOf(std::string_view k) const
{
    if (m_groups.empty())
        return nullptr;
    auto it = m_groupOfKey.find(std::string(k));
    return it == m_groupOfKey.end() ? nullptr : &m_groups[it->second];
}

bool HardlinkGroups::sameNames(const std::vector<Member>* a, const std::vector<Member>* b)
{
    if (!a || !b)
        return a == b;
    return std::equal(a->begin(), a->end(), b->begin(), b->end(),
                      [](const Member& x, const Member& y) { return x.key == y.key; });
}

const Record& HardlinkGroups::effective(const index::TreeIndex& tree, const Record& record)
{
    const Record* r = &record;
    for (int hop = 0; hop < kMaxLinkHops && r->type == wcow::EntryType::Hardlink; ++hop) {
        const index::NodeId n = tree.find(trimLinkTarget(tree.linkTarget(*r)));
        const Record* target = n == index::InvalidNode ? nullptr : tree.record(n);
        if (!target || target == r)
            break;
        r = target;
    }
    return *r;
}

} // namespace layerscope::diff
