// SPDX-License-Identifier: Apache-2.0
#include "index/entrydata.h"

#include "common/error.h"
#include "io/bytesink.h"
#include "io/decompressingsource.h"
#include "io/filesource.h"
#include "tar/tarreader.h"
#include "wcow/casefold.h"
#include "wcow/entrydecoder.h"

#include <algorithm>

namespace layerscope::index {

namespace {

// The bytes copied, or nothing when the layer has no such entry.
std::optional<uint64_t> find(std::unique_ptr<io::ByteSource> stored, const EntrySelector& entry, io::ByteSink& sink,
                             Progress& progress, uint64_t maxBytes)
{
    const std::string name = stored->name();
    auto stream = io::openDecompressed(std::move(stored));
    tar::TarReader reader(*stream);
    tar::TarHeader header;
    const auto* wantedIndex = std::get_if<uint64_t>(&entry);
    const std::string wantedPath
        = wantedIndex ? std::string() : wcow::foldCase(wcow::normalizePath(std::get<std::string>(entry)));
    while (reader.next(header)) {
        if ((header.index & 0xFF) == 0) {
            progress.checkCancelled();
            progress.advance(stream->storedPosition(), stream->storedSize());
        }
        const bool match = wantedIndex ? header.index == *wantedIndex
                                       : wcow::foldCase(wcow::normalizePath(header.path)) == wantedPath;
        if (!match)
            continue;
        const bool hasData = header.type == tar::typeflag::Regular || header.type == tar::typeflag::RegularOld
            || header.type == tar::typeflag::Contiguous;
        if (!hasData)
            throw Error({name, header.index, header.path, header.headerOffset}, "entry has no file data to read");
        uint64_t copied = 0;
        while (copied < maxBytes) {
            const auto chunk = reader.readDataChunk(size_t(std::min<uint64_t>(maxBytes - copied, SIZE_MAX)));
            if (chunk.empty())
                break;
            sink.write(chunk.data(), chunk.size());
            copied += chunk.size();
            progress.checkCancelled();
        }
        return copied;
    }
    return std::nullopt;
}

uint64_t copy(std::unique_ptr<io::ByteSource> stored, const EntrySelector& entry, io::ByteSink& sink,
              Progress& progress, uint64_t maxBytes)
{
    const std::string name = stored->name();
    if (const auto copied = find(std::move(stored), entry, sink, progress, maxBytes))
        return *copied;
    const auto* wantedIndex = std::get_if<uint64_t>(&entry);
    const std::string what = wantedIndex ? "no entry number " + std::to_string(*wantedIndex)
                                         : "no entry \"" + std::get<std::string>(entry) + "\"";
    throw Error({name, {}, {}, {}}, what + " in this layer");
}

} // namespace

uint64_t copyEntryData(std::unique_ptr<io::ByteSource> stored, const EntrySelector& entry, io::ByteSink& sink,
                       Progress& progress, uint64_t maxBytes)
{
    return copy(std::move(stored), entry, sink, progress, maxBytes);
}

uint64_t copyEntryData(const std::filesystem::path& layer, const EntrySelector& entry, io::ByteSink& sink,
                       Progress& progress, uint64_t maxBytes)
{
    return copy(std::make_unique<io::FileSource>(layer), entry, sink, progress, maxBytes);
}

std::optional<std::vector<uint8_t>> findEntryData(std::unique_ptr<io::ByteSource> stored, const std::string& path,
                                                  uint64_t maxBytes, Progress& progress)
{
    io::MemorySink sink;
    if (!find(std::move(stored), path, sink, progress, maxBytes))
        return std::nullopt;
    return sink.take();
}

std::vector<uint8_t> readEntryData(const std::filesystem::path& layer, const EntrySelector& entry, uint64_t maxBytes,
                                   Progress& progress)
{
    io::MemorySink sink;
    copy(std::make_unique<io::FileSource>(layer), entry, sink, progress, maxBytes);
    return sink.take();
}

std::vector<std::vector<uint8_t>> readEntries(std::unique_ptr<io::ByteSource> stored,
                                              const std::vector<uint64_t>& tarIndexes, uint64_t maxBytes,
                                              Progress& progress)
{
    std::vector<std::vector<uint8_t>> out(tarIndexes.size());
    if (tarIndexes.empty())
        return out;
    const uint64_t last = *std::max_element(tarIndexes.begin(), tarIndexes.end());
    auto stream = io::openDecompressed(std::move(stored));
    tar::TarReader reader(*stream);
    tar::TarHeader header;
    while (reader.next(header)) {
        if ((header.index & 0xFF) == 0) {
            progress.checkCancelled();
            progress.advance(stream->storedPosition(), stream->storedSize());
        }
        const bool hasData = header.type == tar::typeflag::Regular || header.type == tar::typeflag::RegularOld
            || header.type == tar::typeflag::Contiguous;
        for (size_t i = 0; i < tarIndexes.size(); ++i) {
            if (tarIndexes[i] != header.index || !hasData)
                continue;
            while (out[i].size() < maxBytes) {
                const auto chunk = reader.readDataChunk(size_t(std::min<uint64_t>(maxBytes - out[i].size(), SIZE_MAX)));
                if (chunk.empty())
                    break;
                out[i].insert(out[i].end(), chunk.begin(), chunk.end());
                progress.checkCancelled();
            }
            break;
        }
        if (header.index >= last)
            break;
    }
    return out;
}

} // namespace layerscope::index
