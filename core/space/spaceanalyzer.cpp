// SPDX-License-Identifier: Apache-2.0
#include "space/spaceanalyzer.h"

#include "image/diskinfo.h"
#include "image/imageanalysis.h"
#include "image/imagesource.h"
#include "index/mergedtree.h"
#include "index/treeindexbuilder.h"
#include "wcow/casefold.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace layerscope::space {

namespace {

using index::TreeIndex;
using wcow::EntryType;

constexpr std::string_view whiteoutPrefix = ".wh.";
constexpr std::string_view opaqueMarker = ".wh..wh..opq";

bool hasData(EntryType type)
{
    return type == EntryType::File || type == EntryType::Stream;
}

// As index::mergeLayers decides what replaces what: a folder (or junction) over a folder keeps the lower children.
bool isDirectory(EntryType type)
{
    return type == EntryType::Directory || type == EntryType::Junction;
}

// A path of the view built so far (the merged view of the layers below the one being read).
struct Live
{
    uint64_t size = 0;
    EntryType type = EntryType::Other;
};
// Ordered, so that everything below a folder ("a/...") and a file's streams ("a:...") are one range each.
using LiveMap = std::map<std::string, Live, std::less<>>;

// Calls `f` for each entry strictly below `key` (children, and a file's alternate data streams) and erases them.
template<typename F> void eraseBelow(LiveMap& live, const std::string& key, F&& f)
{
    for (const char separator : {'/', ':'}) {
        const std::string prefix = key + separator;
        auto it = live.lower_bound(prefix);
        while (it != live.end() && it->first.compare(0, prefix.size(), prefix) == 0) {
            f(it->second);
            it = live.erase(it);
        }
    }
}

// dive's per-path bookkeeping (see SpaceAnalyzer).
struct DivePath
{
    std::string path; // as first seen
    uint64_t cumulative = 0;
    uint64_t smallest = 0;
    uint32_t occurrences = 0;
    std::vector<uint16_t> layers;
};

std::string lower(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

} // namespace

LayerRole SpaceAnalyzer::roleOf(const LayerFacts& facts, size_t index)
{
    if (index == 0 || facts.layout == "windows-base")
        return LayerRole::Base;
    const std::string history = lower(facts.createdBy);
    if (facts.foreign || history.find("install update") != std::string::npos
        || history.find("apply image") != std::string::npos)
        return LayerRole::Servicing;
    return LayerRole::Application;
}

SpaceReport SpaceAnalyzer::analyze(std::span<const TreeIndex* const> layers, std::span<const LayerFacts> facts,
                                   const TreeIndex& merged, const HotSpotRules& rules, const SpaceOptions& options,
                                   Progress& progress)
{
    const bool folded = merged.caseInsensitive();
    const auto keyOf = [folded](const std::string& path) { return folded ? wcow::foldCase(path) : path; };
    const auto& ruleList = rules.rules();

    SpaceReport report;
    report.hotSpots.resize(ruleList.size());
    for (size_t i = 0; i < ruleList.size(); ++i) {
        report.hotSpots[i].rule = ruleList[i].name;
        report.hotSpots[i].reason = ruleList[i].reason;
    }
    uint64_t polled = 0;
    const auto poll = [&] {
        if ((++polled & 0xFFF) == 0)
            progress.checkCancelled();
    };

    LiveMap live;
    std::unordered_map<std::string, DivePath> dive;
    const auto diveAdd = [&](const std::string& key, const std::string& path, uint64_t size, size_t layer) {
        DivePath& d = dive[key];
        if (d.occurrences == 0) {
            d.path = path;
            d.smallest = size;
        }
        d.smallest = std::min(d.smallest, size);
        d.cumulative += size;
        ++d.occurrences;
        d.layers.push_back(uint16_t(layer));
    };

    for (size_t k = 0; k < layers.size(); ++k) {
        LayerSpace ls;
        ls.index = k;
        const LayerFacts fact = k < facts.size() ? facts[k] : LayerFacts {};
        ls.role = roleOf(fact, k);
        ls.createdBy = fact.createdBy;
        ls.storedSize = fact.storedSize;
        ls.present = layers[k] != nullptr && fact.present;
        if (!layers[k]) {
            report.layers.push_back(std::move(ls));
            continue;
        }
        const TreeIndex& tree = *layers[k];

        // Whiteouts delete from the layers below wherever they sit in the tar (as mergeLayers applies them).
        for (const TreeIndex::Record& r : tree.records()) {
            if (r.type != EntryType::Whiteout)
                continue;
            poll();
            const std::string path = tree.path(r.node);
            const size_t slash = path.rfind('/');
            const std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash);
            const std::string_view name = tree.name(r.node);
            const auto removed = [&](const Live& l) {
                if (l.type != EntryType::Directory) {
                    ++ls.removedCount;
                    ls.removedBytes += l.size;
                }
            };
            if (name == opaqueMarker) {
                // An overlay opaque folder (Linux layers only, wcow-layer-format §1.6): its lower contents go.
                if (!folded && !dir.empty())
                    eraseBelow(live, dir, removed);
                continue;
            }
            const std::string target
                = (dir.empty() ? std::string() : dir + "/") + std::string(name.substr(whiteoutPrefix.size()));
            const std::string key = keyOf(target);
            uint64_t below = 0;
            bool wasDirectory = false;
            if (auto it = live.find(key); it != live.end()) {
                wasDirectory = isDirectory(it->second.type);
                removed(it->second);
                live.erase(it);
            }
            eraseBelow(live, key, [&](const Live& l) {
                removed(l);
                below += l.size;
            });
            // dive sizes a whiteout by the folder it deletes, and a deleted file by 0 (its earlier size then
            // makes the whole of it wasted).
            diveAdd(key, target, wasDirectory ? below : 0, k);
        }

        for (const TreeIndex::Record& r : tree.records()) {
            if (r.type == EntryType::Whiteout)
                continue;
            poll();
            const std::string path = tree.path(r.node);
            const std::string key = keyOf(path);
            const uint64_t size = hasData(r.type) ? r.size : 0;
            ls.bytes += size;
            const bool counted = r.type != EntryType::Directory;
            if (counted)
                ++ls.entries;
            if (auto it = live.find(key); it != live.end()) {
                if (!(isDirectory(r.type) && isDirectory(it->second.type)))
                    eraseBelow(live, key, [&](const Live& l) {
                        if (l.type != EntryType::Directory) {
                            ++ls.removedCount;
                            ls.removedBytes += l.size;
                        }
                    });
                if (counted) {
                    ++ls.modifiedCount;
                    ls.modifiedBytes += size;
                }
                live[key] = Live {size, r.type};
            } else {
                if (counted) {
                    ++ls.addedCount;
                    ls.addedBytes += size;
                }
                live.emplace(key, Live {size, r.type});
            }
            if (tree.children(r.node).empty())
                diveAdd(key, path, size, k);
            if (size > 0)
                for (size_t i = 0; i < ruleList.size(); ++i)
                    if (ruleList[i].matches(folded ? key : path, folded))
                        report.hotSpots[i].shippedBytes += size;
        }
        // Entries a later entry of the same tar replaced: shipped, never visible.
        for (const TreeIndex::Record& r : tree.shadowedRecords())
            if (hasData(r.type)) {
                ls.bytes += r.size;
                if (r.type != EntryType::Directory)
                    ++ls.entries;
                const std::string path = tree.path(r.node);
                for (size_t i = 0; i < ruleList.size(); ++i)
                    if (ruleList[i].matches(folded ? keyOf(path) : path, folded))
                        report.hotSpots[i].shippedBytes += r.size;
            }
        report.layers.push_back(std::move(ls));
    }
    live.clear();

    // dive's score and its list of paths written more than once.
    std::vector<const DivePath*> inefficient;
    for (const auto& [key, d] : dive) {
        report.diveTotalBytes += d.cumulative;
        report.diveWastedBytes += d.cumulative - d.smallest;
        if (d.occurrences > 1 && d.cumulative > d.smallest)
            inefficient.push_back(&d);
    }
    report.efficiency
        = report.diveTotalBytes == 0 ? 1.0 : 1.0 - double(report.diveWastedBytes) / double(report.diveTotalBytes);
    const auto wasted = [](const DivePath* d) { return d->cumulative - d->smallest; };
    std::sort(inefficient.begin(), inefficient.end(), [&](const DivePath* a, const DivePath* b) {
        if (wasted(a) != wasted(b))
            return wasted(a) > wasted(b);
        return a->path < b->path;
    });
    report.wastedPathCount = inefficient.size();
    for (size_t i = 0; i < inefficient.size() && i < options.top; ++i) {
        const DivePath& d = *inefficient[i];
        WastedPath w {d.path, d.occurrences, d.cumulative, wasted(&d), {}};
        w.layers.assign(d.layers.begin(), d.layers.end());
        report.wastedPaths.push_back(std::move(w));
    }
    dive.clear();

    // The merged view: what each layer still shows, hot spots, duplicate content.
    struct Content
    {
        Sha256Digest sha256;
        uint64_t size;
        index::NodeId node;
    };
    std::vector<Content> contents;
    size_t countedFiles = 0;
    std::vector<std::vector<std::pair<uint64_t, index::NodeId>>> ruleFiles(ruleList.size());
    for (const TreeIndex::Record& r : merged.records()) {
        if (!hasData(r.type))
            continue;
        poll();
        if (r.layer < report.layers.size())
            report.layers[r.layer].visibleBytes += r.size;
        report.visibleBytes += r.size;
        if (r.type == EntryType::File)
            ++report.visibleFiles;
        const std::string path = merged.path(r.node);
        const std::string key = keyOf(path);
        bool any = false;
        for (size_t i = 0; i < ruleList.size(); ++i)
            if (ruleList[i].matches(key, folded)) {
                any = true;
                ++report.hotSpots[i].files;
                report.hotSpots[i].bytes += r.size;
                ruleFiles[i].push_back({r.size, r.node});
            }
        if (any)
            report.hotSpotBytes += r.size;
        if (r.type == EntryType::File && r.size > 0) {
            ++countedFiles;
            if (r.has(TreeIndex::Record::HasHash))
                contents.push_back({r.sha256, r.size, r.node});
        }
    }
    for (size_t i = 0; i < ruleList.size(); ++i) {
        auto& files = ruleFiles[i];
        const size_t n = std::min(files.size(), options.top);
        std::partial_sort(files.begin(), files.begin() + std::ptrdiff_t(n), files.end(),
                          [](const auto& a, const auto& b) { return a.first > b.first; });
        for (size_t j = 0; j < n; ++j)
            report.hotSpots[i].topPaths.push_back(merged.path(files[j].second));
    }
    for (LayerSpace& ls : report.layers) {
        ls.hiddenBytes = ls.bytes - std::min(ls.bytes, ls.visibleBytes);
        report.shippedBytes += ls.bytes;
    }
    report.hiddenBytes = report.shippedBytes - std::min(report.shippedBytes, report.visibleBytes);

    std::sort(contents.begin(), contents.end(), [](const Content& a, const Content& b) {
        if (a.size != b.size)
            return a.size < b.size;
        return a.sha256 < b.sha256;
    });
    std::vector<DuplicateGroup> groups;
    for (size_t i = 0; i < contents.size();) {
        size_t j = i + 1;
        while (j < contents.size() && contents[j].size == contents[i].size && contents[j].sha256 == contents[i].sha256)
            ++j;
        if (j - i > 1) {
            DuplicateGroup g;
            g.sha256 = contents[i].sha256;
            g.size = contents[i].size;
            for (size_t m = i; m < j; ++m)
                g.paths.push_back(merged.path(contents[m].node));
            std::sort(g.paths.begin(), g.paths.end());
            report.duplicateFiles += g.paths.size();
            report.duplicateSavableBytes += g.savableBytes();
            groups.push_back(std::move(g));
        }
        i = j;
    }
    report.duplicateGroupCount = groups.size();
    // Trees scanned without hashes (SpaceOptions::hashFiles off) cannot tell equal content apart.
    report.duplicatesMeasured = contents.size() == countedFiles;
    std::sort(groups.begin(), groups.end(), [](const DuplicateGroup& a, const DuplicateGroup& b) {
        if (a.savableBytes() != b.savableBytes())
            return a.savableBytes() > b.savableBytes();
        return a.paths.front() < b.paths.front();
    });
    if (groups.size() > options.top)
        groups.resize(options.top);
    report.duplicates = std::move(groups);

    report.split = {{LayerRole::Base}, {LayerRole::Servicing}, {LayerRole::Application}};
    for (const LayerSpace& ls : report.layers) {
        RoleSplit& s = report.split[size_t(ls.role)];
        ++s.layers;
        s.bytes += ls.bytes;
        s.storedBytes += ls.storedSize;
        s.visibleBytes += ls.visibleBytes;
    }
    return report;
}

SpaceReport analyzeImageSpace(image::ImageSource& source, const HotSpotRules& rules, const SpaceOptions& options,
                              Progress& progress)
{
    if (const auto& disk = source.image().disk)
        throw Error({source.image().source, {}, {}, {}},
                    "is a virtual disk (" + image::diskSummary(*disk)
                        + "), not a layer or an image: there are no layers to measure");
    image::AnalyzeOptions analyze;
    analyze.hashFiles = options.hashFiles; // duplicate content is found by hash
    analyze.keepTrees = true;
    analyze.progress = &progress;
    image::Analysis analysis = image::analyzeImage(source, analyze);
    const image::Image& image = source.image();

    bool windows = image.isWindows();
    for (const auto& tree : analysis.trees)
        if (tree && tree->recordCount() > 0) {
            windows = windows || tree->caseInsensitive();
            break;
        }
    std::vector<LayerFacts> facts;
    std::vector<const index::TreeIndex*> present;
    for (size_t i = 0; i < image.layers.size(); ++i) {
        const image::LayerRef& ref = image.layers[i];
        facts.push_back({ref.layout, ref.createdBy, ref.foreign, ref.present, ref.size.value_or(0)});
        present.push_back(analysis.trees[i] ? &*analysis.trees[i] : nullptr);
    }
    // Absent (foreign) layers merge as empty trees so that Record::layer stays the chain position; an empty first
    // tree must not decide the case rule (as image::mergedView does).
    std::vector<index::TreeIndex> placeholders;
    placeholders.reserve(present.size() + 1);
    std::vector<const index::TreeIndex*> chain;
    for (const index::TreeIndex* t : present) {
        if (!t) {
            placeholders.push_back(index::TreeIndexBuilder(windows).finish());
            t = &placeholders.back();
        }
        chain.push_back(t);
    }
    if (!chain.empty() && chain.front()->recordCount() == 0 && chain.front()->caseInsensitive() != windows) {
        placeholders.push_back(index::TreeIndexBuilder(windows).finish());
        chain.front() = &placeholders.back();
    }
    if (chain.size() == 1 && present[0] && index::mergesToItself(*present[0]))
        return SpaceAnalyzer::analyze(present, facts, *present[0], rules, options, progress);
    const index::TreeIndex merged = index::mergeLayers(chain, progress);
    return SpaceAnalyzer::analyze(present, facts, merged, rules, options, progress);
}

} // namespace layerscope::space
