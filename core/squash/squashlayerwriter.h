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

// Writes the one layer a SquashPlan describes in one pass over the range's layer blobs, all of them open at once,
// straight into the output — no copy of the layer is staged (issue 17: temporary space at most the output's size).
//
// The tar must be in the order importers need (wcow-layer-format §1.2): a folder before what it holds, each
// alternate data stream right after its file (§1.6), hard links after their targets (§1.3). Each layer blob is
// already in that order for its own entries, so the layers are merged like sorted lists: an entry is written as it
// streams by once the folder that holds it has been written; a stream is pulled in right after its file. An entry
// met before its folder (the folder comes from a later layer that is not that far yet — rare, since each layer
// lists the folders it touches first) waits in a spill file beside the output, and so do hard links (headers only)
// until the end. Whiteouts go right after their folder, or first when their folder is not in the layer. The hives to
// merge are read into memory as they pass, merged (hive::mergeLayeredHive, hive::combineDeltaHives) and written after
// the last layer. Memory holds a few numbers per entry, about 2 MiB of buffers per open layer, never file data.
class SquashLayerWriter
{
public:
    // Opens the stored blob of a layer (any compression); names it for messages.
    using OpenLayer = std::function<std::unique_ptr<io::ByteSource>(size_t layer)>;
    using LayerName = std::function<std::string(size_t layer)>;

    SquashLayerWriter(const SquashPlan& plan, OpenLayer openLayer, LayerName layerName,
                      std::filesystem::path spillFile);
    ~SquashLayerWriter();
    SquashLayerWriter(const SquashLayerWriter&) = delete;
    SquashLayerWriter& operator=(const SquashLayerWriter&) = delete;

    // Writes the complete tar (end marker included); does not finish the sink. Call it once.
    void write(io::ByteSink& sink, Progress& progress);

    uint64_t entries() const { return m_plan.items.size() + m_plan.whiteouts.size(); }
    uint64_t whiteouts() const { return m_plan.whiteouts.size(); }
    // The counts below are known once write() has run.
    uint64_t hardLinks() const { return m_hardLinks; }
    // Hard links whose file was replaced or deleted later in the range: written as the file they reached.
    uint64_t linksMadeFiles() const { return m_linksMadeFiles; }
    // "SYSTEM" … for a base squash, "System_Delta" … for a delta squash: the hives whose registry was merged.
    const std::vector<std::string>& mergedHives() const { return m_mergedHives; }
    // Bytes that had to wait in the spill file (entries met before their folder, hard link headers).
    uint64_t spilledBytes() const { return m_spilledBytes; }
    // Entries that waited there: met before their folder, or between a file and its stream.
    uint64_t spilledEntries() const { return m_spilledEntries; }

private:
    class Pass;

    const SquashPlan& m_plan;
    OpenLayer m_openLayer;
    LayerName m_layerName;
    std::filesystem::path m_spillFile;
    uint64_t m_hardLinks = 0;
    uint64_t m_linksMadeFiles = 0;
    uint64_t m_spilledBytes = 0;
    uint64_t m_spilledEntries = 0;
    std::vector<std::string> m_mergedHives;
};

} // namespace layerscope::squash
