// SPDX-License-Identifier: Apache-2.0
#include "index/mergedtree.h"

#include "index/treeindexbuilder.h"

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

} // namespace

TreeIndex mergeLayers(std::span<const TreeIndex* const> layers, Progress& progress)
{
    const bool caseInsensitive = !layers.empty() && layers.front()->caseInsensitive();
    TreeIndexBuilder builder(caseInsensitive);
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
                if (!keepChildren)
                    builder.remove(path);
            }
            builder.addFrom(layer, copy, path);
        }
    }
    return builder.finish();
}

} // namespace layerscope::index
