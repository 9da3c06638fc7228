// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "index/treeindex.h"
#include "loadedsource.h"

#include <QString>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace layerscope::io {
class ByteSink;
}

namespace layerscope::ui {

// Where one entry's data can be read from, captured on the GUI thread and used on a TaskRunner thread: a layer blob
// (a file, a blob of a layout folder, or a member of an OCI or docker archive read in place, through
// image::ImageSource::openLayerBlob) and the entry's position in it, for layer folders the file itself, for a bare
// disk the file on its NTFS volume.
// Copyable; it keeps the open source alive while a task reads.
class EntryReader
{
public:
    // The reader for `node` of `tree`, which shows layer `layer` of `source` (for the merged view, the record
    // names its layer). Not valid (see reason()) when the entry has no data or its layer's bytes are absent.
    static EntryReader forEntry(const std::shared_ptr<const LoadedSource>& source, const index::TreeIndex& tree,
                                index::NodeId node, int layer);

    bool isValid() const { return m_reason.isEmpty(); }
    const QString& reason() const { return m_reason; }

    // The first `maxBytes` bytes (previews, hives); reading stops there.
    std::vector<uint8_t> read(uint64_t maxBytes, Progress& progress) const;
    // All of the data into `sink` (export); returns the number of bytes copied. Does not finish the sink.
    uint64_t copyTo(io::ByteSink& sink, Progress& progress) const;

private:
    uint64_t copy(io::ByteSink& sink, Progress& progress, uint64_t maxBytes) const;

    std::shared_ptr<const LoadedSource> m_source;
    size_t m_layer = 0;
    uint64_t m_tarIndex = 0;
    std::filesystem::path m_file; // layer folders: the entry's file on disk
    std::filesystem::path m_disk; // a bare VHDX/VHD: the disk, and the entry's path and stream on its volume
    std::string m_diskPath;
    std::string m_stream;
    QString m_reason;
};

} // namespace layerscope::ui
