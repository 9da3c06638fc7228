// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "io/bytesource.h"
#include "squash/squashplan.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace layerscope::io {
class ByteSink;
}

namespace layerscope::squash {

// Writes the one layer a SquashPlan describes, in two steps:
//  1. collect(): one pass over each layer blob that holds an entry of the plan, in layer order. Each entry is written
//     as it streams by — its header as read (every PAX record kept: attributes, security descriptor, the four times,
//     EAs, reparse data) under its new path, then its data — into a scratch file beside the output; the hives to
//     merge are read into memory, merged (hive::mergeLayeredHive, hive::combineDeltaHives) and written after the
//     last layer, and so are the whiteouts. Memory holds two numbers per entry, never file data.
//  2. write(): the tar in the order importers need (wcow-layer-format §1.2): the target tree depth first, parents
//     before children, each file's alternate data streams right after it (§1.6), a folder's whiteouts right after
//     the folder, hard links last so that their targets come first (§1.3), then the end marker. Entries are copied
//     from the scratch file by position.
// The scratch file holds the squashed layer uncompressed and is removed with the writer.
class SquashLayerWriter
{
public:
    // Opens the stored blob of a layer (any compression); names it for messages.
    using OpenLayer = std::function<std::unique_ptr<io::ByteSource>(size_t layer)>;
    using LayerName = std::function<std::string(size_t layer)>;

    SquashLayerWriter(const SquashPlan& plan, OpenLayer openLayer, LayerName layerName,
                      std::filesystem::path scratchFile);
    ~SquashLayerWriter();
    SquashLayerWriter(const SquashLayerWriter&) = delete;
    SquashLayerWriter& operator=(const SquashLayerWriter&) = delete;

    void collect(Progress& progress);
    // Writes the complete tar (end marker included); does not finish the sink.
    void write(io::ByteSink& sink, Progress& progress) const;

    uint64_t entries() const { return m_chunks.size(); }
    uint64_t whiteouts() const { return m_plan.whiteouts.size(); }
    uint64_t hardLinks() const { return m_hardLinks; }
    // Hard links whose file was replaced or deleted later in the range: written as the file they reached.
    uint64_t linksMadeFiles() const { return m_linksMadeFiles; }
    // "SYSTEM" … for a base squash, "System_Delta" … for a delta squash: the hives whose registry was merged.
    const std::vector<std::string>& mergedHives() const { return m_mergedHives; }

private:
    struct Chunk
    {
        uint64_t offset = 0;
        uint64_t length = 0;
    };

    const SquashPlan& m_plan;
    OpenLayer m_openLayer;
    LayerName m_layerName;
    std::filesystem::path m_scratch;
    std::vector<Chunk> m_chunks; // items first (plan order), then whiteouts (plan order)
    uint64_t m_hardLinks = 0;
    uint64_t m_linksMadeFiles = 0;
    std::vector<std::string> m_mergedHives;
};

} // namespace layerscope::squash
