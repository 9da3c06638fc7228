// SPDX-License-Identifier: Apache-2.0
#include "squash/squashplan.h"

#include "common/error.h"
#include "index/mergedtree.h"
#include "wcow/casefold.h"
#include "wcow/entrydecoder.h"

#include <set>

namespace layerscope::squash {

namespace {

constexpr const char* kHiveNames[] = {"DEFAULT", "SAM", "SECURITY", "SOFTWARE", "SYSTEM"};
// registry-delta-hives §1: the delta that belongs to each config hive, in kHiveNames order.
constexpr const char* kDeltaNames[]
    = {"DefaultUser_Delta", "Sam_Delta", "Security_Delta", "Software_Delta", "System_Delta"};

bool isDirectory(const index::TreeIndex::Record* record)
{
    // An implicit folder (no record) is a folder too.
    return !record || record->type == wcow::EntryType::Directory || record->type == wcow::EntryType::Junction;
}

bool underHives(const std::string& path)
{
    const std::string folded = wcow::foldCase(path);
    return folded == wcow::foldCase("Hives") || folded.starts_with(wcow::foldCase("Hives/"));
}

// Whether the target shows `node` exactly as the layers below `first` do: the same entry of the same layer (and,
// for a hard link, the same target, which a takeover may have changed).
bool sameAsBelow(const index::TreeIndex& target, const index::TreeIndex::Record& record, const index::TreeIndex& lower,
                 const std::string& path)
{
    const index::NodeId node = lower.find(path);
    if (node == index::InvalidNode)
        return false;
    const index::TreeIndex::Record* below = lower.record(node);
    return below && below->layer == record.layer && below->tarIndex == record.tarIndex && below->type == record.type
        && (record.type != wcow::EntryType::Hardlink || lower.linkTarget(*below) == target.linkTarget(record));
}

// The exact whiteouts: every lower path the target lacks, outermost only; folders present in both are walked.
void findDeletions(const index::TreeIndex& lower, index::NodeId node, const index::TreeIndex& target,
                   std::vector<std::string>& out, Progress& progress)
{
    for (const index::NodeId child : lower.children(node)) {
        progress.checkCancelled();
        const std::string path = lower.path(child);
        const index::NodeId there = target.find(path);
        if (there == index::InvalidNode) {
            out.push_back(path);
            continue;
        }
        // A file replacing a folder (or the reverse) drops the lower subtree by itself (index::mergeLayers).
        if (isDirectory(lower.record(child)) && isDirectory(target.record(there)))
            findDeletions(lower, child, target, out, progress);
    }
}

// Without the layers below: the range's own deletions that its later layers leave standing, outermost only.
std::vector<std::string> rangeDeletions(std::span<const index::TreeIndex* const> layers, size_t first)
{
    std::vector<std::string> paths;
    std::set<std::string> seen;
    for (size_t k = first; k < layers.size(); ++k) {
        const index::TreeIndex& layer = *layers[k];
        for (const index::TreeIndex::Record& r : layer.records()) {
            if (r.type != wcow::EntryType::Whiteout || layer.name(r.node) == wcow::kOpaqueWhiteout)
                continue;
            const std::string path = wcow::whiteoutTarget(layer.path(r.node));
            if (seen.insert(wcow::foldCase(path)).second)
                paths.push_back(path);
        }
    }
    std::vector<std::string> out;
    for (const std::string& path : paths) {
        bool nested = false;
        for (std::string_view p = wcow::parentPath(path); !p.empty() && !nested; p = wcow::parentPath(p))
            nested = seen.contains(wcow::foldCase(p));
        if (!nested)
            out.push_back(path);
    }
    return out;
}

} // namespace

std::span<const char* const> systemHiveNames()
{
    return kHiveNames;
}

SquashPlan planSquash(std::span<const index::TreeIndex* const> layers, size_t first, Progress& progress)
{
    if (layers.empty() || first >= layers.size())
        throw Error({}, "nothing to squash: layer " + std::to_string(first) + " is not in the chain");
    SquashPlan plan;
    plan.first = first;
    plan.last = layers.size() - 1;
    plan.base = first == 0;
    for (size_t k = first; k < layers.size(); ++k)
        if (!layers[k])
            throw Error({}, "layer " + std::to_string(k) + " is not in the source, so it cannot be squashed");
    for (size_t k = 0; k < first; ++k)
        plan.lowerKnown = plan.lowerKnown && layers[k];

    const auto range = layers.subspan(first);
    index::TreeIndex lower;
    const uint32_t layerOffset = plan.lowerKnown ? 0 : uint32_t(first);
    if (plan.lowerKnown) {
        lower = index::mergeLayers(layers.first(first), progress);
        plan.target = index::mergeLayers(layers, progress);
    } else {
        plan.target = index::mergeLayers(range, progress);
    }
    const index::TreeIndex& target = plan.target;

    // Which hives need merging, and from which entries.
    std::array<std::string, 5> specialPath; // folded path of the entry whose content is replaced
    for (size_t h = 0; h < 5; ++h) {
        const std::string deltaPath = "Hives/" + std::string(kDeltaNames[h]);
        std::vector<HiveSources::Source> deltas;
        for (size_t k = plan.base ? 1 : first; k < layers.size(); ++k) {
            const index::NodeId node = layers[k]->find(deltaPath);
            const index::TreeIndex::Record* r = node == index::InvalidNode ? nullptr : layers[k]->record(node);
            if (r && r->type == wcow::EntryType::File)
                deltas.push_back({uint32_t(k), r->tarIndex});
        }
        if (plan.base) {
            if (deltas.empty())
                continue; // the base's hive is already the registry the chain shows
            const std::string configPath = "Files/Windows/System32/config/" + std::string(kHiveNames[h]);
            const index::NodeId node = target.find(configPath);
            const index::TreeIndex::Record* r = node == index::InvalidNode ? nullptr : target.record(node);
            if (!r || r->type != wcow::EntryType::File)
                throw Error({},
                            "layer " + std::to_string(deltas.front().layer) + " has " + deltaPath
                                + " but the squashed chain has no " + configPath + " to apply it to");
            plan.hives[h].sources.push_back({uint32_t(r->layer + layerOffset), r->tarIndex});
            specialPath[h] = wcow::foldCase(configPath);
        } else if (deltas.size() < 2) {
            continue; // one delta (or none) is copied as it is
        } else {
            specialPath[h] = wcow::foldCase(deltaPath);
        }
        plan.hives[h].sources.insert(plan.hives[h].sources.end(), deltas.begin(), deltas.end());
    }

    for (index::NodeId node = 1; node < target.nodeCount(); ++node) {
        if ((node & 0xFFF) == 0)
            progress.checkCancelled();
        const index::TreeIndex::Record* r = target.record(node);
        if (!r)
            continue;
        std::string path = target.path(node);
        if (plan.base && underHives(path))
            continue; // a base layer has no Hives/ (wcow-layer-format §1.3): the deltas go into the config hives
        if (plan.lowerKnown && sameAsBelow(target, *r, lower, path))
            continue;
        SquashItem item;
        item.sourceLayer = r->layer + layerOffset;
        item.sourceTarIndex = r->tarIndex;
        item.type = r->type;
        item.node = node;
        if (r->type == wcow::EntryType::Hardlink)
            item.linkTarget = std::string(target.linkTarget(*r));
        const std::string folded = wcow::foldCase(path);
        for (size_t h = 0; h < 5; ++h)
            if (!specialPath[h].empty() && folded == specialPath[h]) {
                item.content = plan.base ? SquashItem::Content::MergedConfigHive : SquashItem::Content::CombinedDelta;
                item.hive = h;
            }
        item.path = std::move(path);
        plan.items.push_back(std::move(item));
    }

    if (plan.base)
        return plan; // nothing lies below a base layer to hide
    if (plan.lowerKnown)
        findDeletions(lower, lower.root(), target, plan.whiteouts, progress);
    else
        plan.whiteouts = rangeDeletions(layers, first);
    return plan;
}

} // namespace layerscope::squash
