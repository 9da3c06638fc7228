// SPDX-License-Identifier: Apache-2.0
#include "squash/squashlayerwriter.h"

#include "common/error.h"
#include "hive/deltahivecombiner.h"
#include "hive/hivereader.h"
#include "hive/hivewriter.h"
#include "hive/layeredhive.h"
#include "image/filerangesource.h"
#include "io/atomicfile.h"
#include "io/bytesink.h"
#include "io/decompressingsource.h"
#include "io/platformfile.h"
#include "tar/tarreader.h"
#include "tar/tarwriter.h"
#include "wcow/entrydecoder.h"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>

namespace layerscope::squash {

namespace fs = std::filesystem;

namespace {

uint64_t key(uint32_t layer, uint32_t tarIndex)
{
    return (uint64_t(layer) << 32) | tarIndex;
}

bool hasData(const tar::TarHeader& header)
{
    return header.type == tar::typeflag::Regular || header.type == tar::typeflag::RegularOld
        || header.type == tar::typeflag::Contiguous || header.type == tar::typeflag::GnuSparse;
}

// A hive to merge: what each source entry held, in plan order, and the header the merged entry takes.
struct HiveWork
{
    std::vector<std::vector<uint8_t>> bytes;
    std::vector<bool> seen;
};

} // namespace

SquashLayerWriter::SquashLayerWriter(const SquashPlan& plan, OpenLayer openLayer, LayerName layerName,
                                     fs::path scratchFile)
    : m_plan(plan)
    , m_openLayer(std::move(openLayer))
    , m_layerName(std::move(layerName))
    , m_scratch(std::move(scratchFile))
{ }

SquashLayerWriter::~SquashLayerWriter()
{
    io::PlatformFile::removeQuietly(m_scratch);
}

void SquashLayerWriter::collect(Progress& progress)
{
    // Which entry of which layer feeds which item; which feeds which hive.
    std::unordered_map<uint64_t, std::vector<size_t>> wanted;
    std::map<uint32_t, size_t> perLayer; // entries still to find in each layer, so a pass can stop early
    for (size_t i = 0; i < m_plan.items.size(); ++i) {
        const SquashItem& item = m_plan.items[i];
        if (wanted[key(item.sourceLayer, item.sourceTarIndex)].empty())
            ++perLayer[item.sourceLayer];
        wanted[key(item.sourceLayer, item.sourceTarIndex)].push_back(i);
    }
    std::unordered_map<uint64_t, std::vector<std::pair<size_t, size_t>>> hiveFeeds; // -> (hive, position)
    std::array<HiveWork, 5> hives;
    for (size_t h = 0; h < 5; ++h) {
        const auto& sources = m_plan.hives[h].sources;
        hives[h].bytes.resize(sources.size());
        hives[h].seen.assign(sources.size(), false);
        for (size_t p = 0; p < sources.size(); ++p) {
            const uint64_t k = key(sources[p].layer, sources[p].tarIndex);
            if (!wanted.contains(k) && hiveFeeds[k].empty())
                ++perLayer[sources[p].layer];
            hiveFeeds[k].emplace_back(h, p);
        }
    }

    std::vector<std::optional<tar::TarHeader>> templates(m_plan.items.size()); // headers of merged hives
    std::vector<Chunk> itemChunks(m_plan.items.size());
    std::vector<bool> written(m_plan.items.size(), false);
    io::AtomicFile scratch(m_scratch, {.overwrite = true});
    tar::TarWriter writer(scratch);

    size_t layersDone = 0;
    for (auto& [layer, remaining] : perLayer) {
        progress.advance(layersDone++, perLayer.size());
        auto source = io::openDecompressed(m_openLayer(layer));
        tar::TarReader reader(*source);
        tar::TarHeader header;
        while (remaining > 0 && reader.next(header)) {
            progress.checkCancelled();
            const uint64_t k = key(layer, uint32_t(header.index));
            const auto items = wanted.find(k);
            const auto feeds = hiveFeeds.find(k);
            if (items == wanted.end() && feeds == hiveFeeds.end())
                continue;
            --remaining;

            std::vector<uint8_t> held; // the data, when a hive needs it as well
            if (feeds != hiveFeeds.end()) {
                if (header.size > hive::HiveReader::kMaxHiveSize)
                    throw Error({m_layerName(layer), header.index, header.path, header.headerOffset},
                                "hive is larger than the 512 MiB this tool reads");
                held.resize(header.size);
                size_t got = 0;
                for (size_t n; got < held.size() && (n = reader.readData(held.data() + got, held.size() - got)) > 0;)
                    got += n;
                held.resize(got);
                for (const auto& [h, p] : feeds->second) {
                    hives[h].bytes[p] = held;
                    hives[h].seen[p] = true;
                }
            }
            if (items == wanted.end())
                continue;

            std::string firstPath; // a second item of the same entry links to the first (the data is read once)
            for (const size_t i : items->second) {
                const SquashItem& item = m_plan.items[i];
                if (item.content != SquashItem::Content::Copied) {
                    templates[i] = header;
                    continue;
                }
                tar::TarHeader out = header;
                if (wcow::normalizePath(out.path) != item.path)
                    out.path = item.path;
                if (item.type == wcow::EntryType::Hardlink) {
                    out.linkPath = item.linkTarget;
                    ++m_hardLinks;
                } else if (out.type == tar::typeflag::HardLink) {
                    // The plan made a file of it: a link whose file the range replaced (index::mergeLayers).
                    out.type = tar::typeflag::Regular;
                }
                if (out.type == tar::typeflag::GnuSparse) {
                    // Written expanded: the reader hands out the holes as zeros.
                    out.type = tar::typeflag::Regular;
                }
                out.sparse = false;
                out.sparseMap.clear();
                const bool data = hasData(header) && header.size > 0;
                if (data && !firstPath.empty()) {
                    out.type = tar::typeflag::HardLink;
                    out.linkPath = firstPath;
                    out.size = 0;
                }
                if (item.path != wcow::normalizePath(header.path) && item.type == wcow::EntryType::File)
                    ++m_linksMadeFiles;
                itemChunks[i].offset = writer.offset();
                writer.add(out);
                if (out.type != tar::typeflag::HardLink && data) {
                    if (!held.empty() || header.size == 0) {
                        writer.writeData(held.data(), held.size());
                    } else {
                        for (std::span<const uint8_t> piece; !(piece = reader.readDataChunk(size_t(1) << 20)).empty();)
                            writer.writeData(piece.data(), piece.size());
                    }
                    firstPath = item.path;
                }
                itemChunks[i].length = writer.offset() - itemChunks[i].offset;
                written[i] = true;
            }
        }
        if (remaining > 0)
            throw Error({m_layerName(layer), {}, {}, reader.offset()},
                        "the layer ended before " + std::to_string(remaining)
                            + " entries its index lists: did the blob change while it was squashed?");
    }

    // The merged hives, now that every layer's hive has been read.
    for (size_t i = 0; i < m_plan.items.size(); ++i) {
        const SquashItem& item = m_plan.items[i];
        if (item.content == SquashItem::Content::Copied)
            continue;
        const auto& sources = m_plan.hives[item.hive].sources;
        std::vector<hive::HiveReader> readers;
        readers.reserve(sources.size());
        for (size_t p = 0; p < sources.size(); ++p) {
            hive::HiveReader reader(hives[item.hive].bytes[p]);
            if (!reader.root())
                throw Error(
                    {m_layerName(sources[p].layer), sources[p].tarIndex, {}, {}},
                    "not a readable hive: "
                        + (reader.problems().empty() ? std::string("no root key") : reader.problems().front().message));
            readers.push_back(std::move(reader));
        }
        std::vector<const hive::HiveReader::Key*> stack;
        for (const hive::HiveReader& reader : readers)
            stack.push_back(reader.root());
        hive::HiveWriteOptions options;
        std::vector<uint8_t> bytes;
        if (item.content == SquashItem::Content::MergedConfigHive) {
            // The very recipe of image::mergeSystemHive, so `hive merged` of the squashed image gives these bytes.
            options.fileName = systemHiveNames()[item.hive];
            bytes = hive::HiveWriter::write(hive::mergeLayeredHive(stack), options);
        } else {
            bytes = hive::HiveWriter::write(hive::combineDeltaHives(stack), options);
        }
        m_mergedHives.push_back(std::string(wcow::baseName(item.path)));
        tar::TarHeader out = *templates[i];
        if (wcow::normalizePath(out.path) != item.path)
            out.path = item.path;
        out.size = bytes.size();
        itemChunks[i].offset = writer.offset();
        writer.add(out);
        writer.writeData(bytes.data(), bytes.size());
        itemChunks[i].length = writer.offset() - itemChunks[i].offset;
        written[i] = true;
    }
    for (size_t i = 0; i < written.size(); ++i)
        if (!written[i])
            throw Error(
                {m_layerName(m_plan.items[i].sourceLayer), m_plan.items[i].sourceTarIndex, m_plan.items[i].path, {}},
                "entry not found in the layer blob while squashing");

    m_chunks = std::move(itemChunks);
    for (const std::string& path : m_plan.whiteouts) {
        // wcow-layer-format §1.4: whiteouts are plain entries, mode 0, time 0, no Windows records.
        tar::TarHeader h;
        const std::string_view parent = wcow::parentPath(path);
        h.path = (parent.empty() ? std::string() : std::string(parent) + "/") + std::string(wcow::kWhiteoutPrefix)
            + std::string(wcow::baseName(path));
        h.type = tar::typeflag::Regular;
        const uint64_t offset = writer.offset();
        writer.add(h);
        m_chunks.push_back({offset, writer.offset() - offset});
    }
    scratch.finish();
    scratch.commit();
    progress.advance(perLayer.size(), perLayer.size());
}

void SquashLayerWriter::write(io::ByteSink& sink, Progress& progress) const
{
    const index::TreeIndex& target = m_plan.target;
    constexpr uint32_t None = UINT32_MAX;
    std::vector<uint32_t> itemOf(target.nodeCount(), None);
    for (size_t i = 0; i < m_plan.items.size(); ++i)
        itemOf[m_plan.items[i].node] = uint32_t(i);

    // Streams go right after their owner when the owner is written too (go-winio backuptar, §1.6).
    std::unordered_map<index::NodeId, std::vector<uint32_t>> streamsOf;
    std::vector<bool> withOwner(m_plan.items.size(), false);
    for (size_t i = 0; i < m_plan.items.size(); ++i) {
        const SquashItem& item = m_plan.items[i];
        if (item.type != wcow::EntryType::Stream)
            continue;
        const std::string_view name = wcow::baseName(item.path);
        const size_t colon = name.find(':');
        if (colon == std::string_view::npos)
            continue;
        const std::string owner = item.path.substr(0, item.path.size() - name.size() + colon);
        const index::NodeId node = target.find(owner);
        if (node != index::InvalidNode && itemOf[node] != None) {
            streamsOf[node].push_back(uint32_t(i));
            withOwner[i] = true;
        }
    }
    // Whiteouts right after their folder's entry (where a folder is not in the layer, where it would be).
    std::unordered_map<index::NodeId, std::vector<uint32_t>> whiteoutsIn;
    std::vector<uint32_t> orphans;
    for (size_t w = 0; w < m_plan.whiteouts.size(); ++w) {
        const std::string_view parent = wcow::parentPath(m_plan.whiteouts[w]);
        const index::NodeId node = parent.empty() ? target.root() : target.find(parent);
        if (node == index::InvalidNode)
            orphans.push_back(uint32_t(m_plan.items.size() + w));
        else
            whiteoutsIn[node].push_back(uint32_t(m_plan.items.size() + w));
    }

    std::vector<uint8_t> buffer(size_t(1) << 20);
    uint64_t done = 0;
    auto copy = [&](uint32_t chunk) {
        const Chunk& c = m_chunks[chunk];
        image::FileRangeSource source(m_scratch, c.offset, c.length, io::pathToUtf8(m_scratch));
        for (size_t n; (n = source.read(buffer.data(), buffer.size())) > 0;)
            sink.write(buffer.data(), n);
        if ((++done & 0xFF) == 0) {
            progress.checkCancelled();
            progress.advance(done, m_chunks.size());
        }
    };
    auto emitWhiteouts = [&](index::NodeId node) {
        if (const auto it = whiteoutsIn.find(node); it != whiteoutsIn.end())
            for (const uint32_t chunk : it->second)
                copy(chunk);
    };

    std::vector<uint32_t> links;
    emitWhiteouts(target.root());
    std::vector<index::NodeId> stack;
    const auto pushChildren = [&](index::NodeId node) {
        const auto kids = target.children(node);
        for (auto it = kids.end(); it != kids.begin();)
            stack.push_back(*--it);
    };
    pushChildren(target.root());
    while (!stack.empty()) {
        const index::NodeId node = stack.back();
        stack.pop_back();
        const uint32_t item = itemOf[node];
        if (item != None && !withOwner[item]) {
            if (m_plan.items[item].type == wcow::EntryType::Hardlink)
                links.push_back(item);
            else
                copy(item);
            if (const auto it = streamsOf.find(node); it != streamsOf.end())
                for (const uint32_t stream : it->second)
                    copy(stream);
        }
        emitWhiteouts(node);
        pushChildren(node);
    }
    for (const uint32_t chunk : orphans)
        copy(chunk);
    // Hard links last: their targets, in the layer or below it, then come first (§1.3).
    for (const uint32_t link : links)
        copy(link);
    static constexpr uint8_t endMarker[1024] = {};
    sink.write(endMarker, sizeof endMarker);
    progress.advance(m_chunks.size(), m_chunks.size());
}

} // namespace layerscope::squash
