// SPDX-License-Identifier: Apache-2.0
#include "index/mergedtree.h"

#include "index/treeindexbuilder.h"
#include "wcow/casefold.h"

#include <unordered_map>

namespace layerscope::index {

namespace {

constexpr std::string_view whiteoutPrefix = ".wh.";
constexpr std::string_view opaqueMarker = ".wh..wh..opq";

bool isDirectory(wcow::EntryType type)
{
    return type == wcow::EntryType::Directory || type == wcow::EntryType::Junction;
}

std::string_view parentOf(std::string_view path)
{
    const size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

// Hard links of lower layers name their file by path (wcow-layer-format §1.3). When an upper layer replaces or
// deletes that path, the links still reach the old file, as on NTFS, so before the path goes the first surviving
// link takes over the file's record and the other links are pointed at it.
class HardLinks
{
public:
    HardLinks(std::span<const TreeIndex* const> layers, TreeIndexBuilder& builder, bool caseInsensitive)
        : m_layers(layers)
        , m_builder(builder)
        , m_caseInsensitive(caseInsensitive)
    { }

    void noteAdded(const TreeIndex& layer, const TreeIndex::Record& record, const std::string& path)
    {
        if (record.type == wcow::EntryType::Hardlink)
            m_linksTo[key(layer.linkTarget(record))].push_back(path);
    }

    // Call before `path` is removed or replaced by layer `upper`.
    void detach(const std::string& path, size_t upper)
    {
        auto it = m_linksTo.find(key(path));
        if (it == m_linksTo.end())
            return;
        std::vector<std::string> links = std::move(it->second);
        m_linksTo.erase(it);
        const auto file = lastRecord(path, upper);
        if (!file || file->record.type != wcow::EntryType::File)
            return;
        std::string owner;
        for (const std::string& link : links) {
            const auto current = lastRecord(link, upper);
            // Skip links that a later layer has replaced or removed meanwhile.
            if (!current || current->record.type != wcow::EntryType::Hardlink
                || key(current->index->linkTarget(current->record)) != key(path) || !m_builder.contains(link))
                continue;
            if (owner.empty()) {
                owner = link;
                m_builder.addFrom(*file->index, file->record, link);
                continue;
            }
            wcow::WindowsEntry entry = current->index->entry(current->record);
            entry.path = link;
            entry.linkTarget = owner;
            m_builder.add(entry, std::nullopt, current->record.layer);
            m_linksTo[key(owner)].push_back(link);
        }
    }

private:
    std::string key(std::string_view path) const
    {
        return m_caseInsensitive ? wcow::foldCase(path) : std::string(path);
    }

    // The record that set `path` in the layers below `upper` (the highest one that has it).
    struct Found
    {
        size_t layer;
        const TreeIndex* index;
        TreeIndex::Record record; // with `layer` set to the layer that holds it
    };
    std::optional<Found> lastRecord(const std::string& path, size_t upper) const
    {
        for (size_t j = upper; j-- > 0;) {
            const NodeId node = m_layers[j]->find(path);
            if (node == InvalidNode)
                continue;
            if (const TreeIndex::Record* record = m_layers[j]->record(node)) {
                Found found {j, m_layers[j], *record};
                found.record.layer = uint16_t(j);
                return found;
            }
        }
        return std::nullopt;
    }

    std::span<const TreeIndex* const> m_layers;
    TreeIndexBuilder& m_builder;
    bool m_caseInsensitive;
    std::unordered_map<std::string, std::vector<std::string>> m_linksTo;
};

} // namespace

TreeIndex mergeLayers(std::span<const TreeIndex* const> layers, Progress& progress)
{
    const bool caseInsensitive = !layers.empty() && layers.front()->caseInsensitive();
    TreeIndexBuilder builder(caseInsensitive);
    HardLinks hardLinks(layers, builder, caseInsensitive);
    uint64_t done = 0;
    uint64_t total = 0;
    for (const TreeIndex* layer : layers)
        total += layer->recordCount();

    for (size_t k = 0; k < layers.size(); ++k) {
        const TreeIndex& layer = *layers[k];
        // Whiteouts hide lower layers only, wherever they sit in this layer's tar, so apply them first.
        for (const TreeIndex::Record& r : layer.records()) {
            if (r.type != wcow::EntryType::Whiteout)
                continue;
            const std::string path = layer.path(r.node);
            const std::string_view dir = parentOf(path);
            const std::string_view name = layer.name(r.node);
            if (name == opaqueMarker) {
                // Overlay opaque directory: only Linux layers mean this (wcow-layer-format §1.6); the directory's
                // lower contents disappear but the directory itself stays.
                if (!caseInsensitive)
                    builder.removeChildren(dir);
                continue;
            }
            std::string target(dir);
            if (!target.empty())
                target.push_back('/');
            target.append(name.substr(whiteoutPrefix.size()));
            hardLinks.detach(target, k);
            builder.remove(target);
        }
        for (const TreeIndex::Record& r : layer.records()) {
            if ((++done & 0xFFF) == 0) {
                progress.checkCancelled();
                progress.advance(done, total);
            }
            if (r.type == wcow::EntryType::Whiteout)
                continue;
            const std::string path = layer.path(r.node);
            TreeIndex::Record copy = r;
            copy.layer = uint16_t(k);
            if (builder.contains(path)) {
                // A directory over a directory keeps the lower children; any other replacement drops them.
                const bool keepChildren = isDirectory(r.type) && builder.isDirectory(path);
                if (!keepChildren) {
                    hardLinks.detach(path, k);
                    builder.remove(path);
                }
            }
            builder.addFrom(layer, copy, path);
            hardLinks.noteAdded(layer, r, path);
        }
    }
    return builder.finish();
}

bool mergesToItself(const TreeIndex& layer)
{
    // Entries a later duplicate replaced are listed with the layer but are no part of a merged view.
    if (!layer.shadowedRecords().empty())
        return false;
    const auto records = layer.records();
    for (size_t i = 0; i < records.size(); ++i) {
        const TreeIndex::Record& r = records[i];
        if (r.type == wcow::EntryType::Whiteout || r.layer != 0 || layer.record(r.node) != &r)
            return false;
    }
    if (!layer.caseInsensitive())
        return true;
    // Children are sorted by folded name, so case variants sit side by side.
    for (NodeId n = 0; n < layer.nodeCount(); ++n) {
        const auto kids = layer.children(n);
        for (size_t i = 1; i < kids.size(); ++i)
            if (wcow::equalsIgnoringCase(layer.name(kids[i - 1]), layer.name(kids[i])))
                return false;
    }
    return true;
}

bool isWciPlaceholder(const TreeIndex& tree, const TreeIndex::Record& record)
{
    if (record.xattrs == UINT32_MAX)
        return false;
    for (const auto& [name, value] : tree.xattrs(record))
        if (name == NtfsReparseXattr && value.starts_with(WciPlaceholderMark))
            return true;
    return false;
}

std::string unreadableReason(const TreeIndex& tree, const TreeIndex::Record& record)
{
    if (record.xattrs == UINT32_MAX)
        return {};
    for (auto& [name, value] : tree.xattrs(record))
        if (name == UnreadableXattr)
            return std::move(value);
    return {};
}

TreeIndex overlaySandbox(const TreeIndex& lower, const TreeIndex& sandbox, Progress& progress)
{
    TreeIndexBuilder changes(sandbox.caseInsensitive());
    for (const TreeIndex::Record& r : sandbox.records())
        if (!isWciPlaceholder(sandbox, r))
            changes.addFrom(sandbox, r, sandbox.path(r.node));
    const TreeIndex delta = changes.finish();
    const TreeIndex* layers[] = {&lower, &delta};
    return mergeLayers(layers, progress);
}

} // namespace layerscope::index
