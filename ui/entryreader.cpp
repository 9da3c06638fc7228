// SPDX-License-Identifier: Apache-2.0
#include "entryreader.h"

#include "common/error.h"
#if defined(LAYERSCOPE_HAVE_DISKS)
#include "disk/diskfile.h"
#endif
#include "formatting.h"
#include "image/imagesource.h"
#include "index/entrydata.h"
#include "io/bytesink.h"
#include "io/filesource.h"

#include <QCoreApplication>

#include <algorithm>

namespace layerscope::ui {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("layerscope::ui::EntryReader", text);
}

} // namespace

EntryReader EntryReader::forEntry(const std::shared_ptr<const LoadedSource>& source, const index::TreeIndex& tree,
                                  index::NodeId node, int layer)
{
    EntryReader reader;
    const auto* record = tree.record(node);
    if (!source || !source->image || !record) {
        reader.m_reason = tr("Nothing to read.");
        return reader;
    }
    if (record->type != wcow::EntryType::File && record->type != wcow::EntryType::Stream) {
        reader.m_reason = tr("No data: a %1 has none.").arg(Formatting::entryType(record->type));
        return reader;
    }
    if (source->image->kind() == image::SourceKind::Disk) {
#if defined(LAYERSCOPE_HAVE_DISKS)
        // A bare disk has no layers: its tree is its volume, read in place.
        reader.m_source = source;
        reader.m_disk = std::filesystem::u8path(source->image->image().source);
        reader.m_diskPath = tree.path(node);
        if (record->type == wcow::EntryType::Stream) {
            const size_t colon = reader.m_diskPath.rfind(':');
            reader.m_stream = reader.m_diskPath.substr(colon + 1);
            reader.m_diskPath.resize(colon);
        }
#else
        reader.m_reason = tr("This build cannot read the files inside disks.");
#endif
        return reader;
    }
    if (layer < 0 || size_t(layer) >= source->layers.size()) {
        reader.m_reason = tr("The entry's layer is not known.");
        return reader;
    }
    const LoadedLayer& loaded = source->layers[size_t(layer)];
    if (!loaded.present) {
        reader.m_reason = tr("Layer %1 is not here (a foreign layer without its blob).").arg(layer);
        return reader;
    }
    reader.m_source = source;
    reader.m_layer = size_t(layer);
    reader.m_tarIndex = record->tarIndex;
    const image::LayerRef& ref = source->image->image().layers.at(size_t(layer));
    if (source->image->kind() == image::SourceKind::LayerFolder)
        reader.m_file = ref.folder / std::filesystem::u8path(tree.path(node));
    return reader;
}

uint64_t EntryReader::copy(io::ByteSink& sink, Progress& progress, uint64_t maxBytes) const
{
    if (!isValid())
        throw Error(m_reason.toStdString());
    // Layer folders hold their entries as plain files (wcow-layer-format §2.1); a disk's are read off its volume.
    std::unique_ptr<io::ByteSource> plain;
    if (!m_file.empty())
        plain = std::make_unique<io::FileSource>(m_file);
#if defined(LAYERSCOPE_HAVE_DISKS)
    else if (!m_disk.empty())
        plain = disk::openDiskFile(m_disk, m_diskPath, m_stream);
#endif
    if (plain) {
        std::vector<uint8_t> buffer(size_t(1) << 20);
        uint64_t copied = 0;
        while (copied < maxBytes) {
            const size_t n = plain->read(buffer.data(), size_t(std::min<uint64_t>(buffer.size(), maxBytes - copied)));
            if (n == 0)
                break;
            sink.write(buffer.data(), n);
            copied += n;
            progress.advance(copied, plain->storedSize());
            progress.checkCancelled();
        }
        return copied;
    }
    return index::copyEntryData(m_source->image->openLayerBlob(m_layer), m_tarIndex, sink, progress, maxBytes);
}

std::vector<uint8_t> EntryReader::read(uint64_t maxBytes, Progress& progress) const
{
    io::MemorySink sink;
    if (maxBytes > 0)
        copy(sink, progress, maxBytes);
    return sink.take();
}

uint64_t EntryReader::copyTo(io::ByteSink& sink, Progress& progress) const
{
    return copy(sink, progress, UINT64_MAX);
}

} // namespace layerscope::ui
