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

#include <deque>
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

// Small enough that every layer of a long range can be open at once (the decoder adds its own buffer).
constexpr size_t kReaderBuffer = size_t(256) << 10;
constexpr uint32_t None = UINT32_MAX;

} // namespace

// The state of one write(): the open layers, where each entry of the plan is, and the spill files.
class SquashLayerWriter::Pass
{
public:
    Pass(SquashLayerWriter& owner, io::ByteSink& sink, Progress& progress);
    void run();

private:
    // Pending: not met yet. Waiting: in the spill file until its folder (or, for a stream, its file) is written.
    // Ready: in the spill file, its folder written. Written: in the output (or, for a hard link, queued for the end).
    enum class State : uint8_t { Pending, Waiting, Ready, Written };
    struct Chunk
    {
        uint64_t offset = 0;
        uint64_t length = 0;
    };
    struct Layer
    {
        uint32_t index = 0;
        std::unique_ptr<io::ByteSource> source;
        std::unique_ptr<tar::TarReader> reader;
        tar::TarHeader header; // the wanted entry the reader is at, when hasHead
        std::vector<uint8_t> held; // its data, when a hive needs it as well
        bool hasHead = false;
        size_t remaining = 0; // wanted entries not met yet
    };
    // A spill file: written as a tar, read back by position.
    struct Spill
    {
        std::filesystem::path path;
        std::optional<io::AtomicFile> file; // never committed: removed when the pass ends
        std::optional<tar::TarWriter> writer;
    };

    bool head(Layer& layer);
    bool ready(uint32_t item) const;
    bool headReady(Layer& layer);
    bool headBlockedBySpilled(Layer& layer);
    void take(Layer& layer, bool spillAll, uint32_t force = None);
    void written(uint32_t item);
    void fetch(uint32_t stream);
    void drainReady();
    void writeEntry(tar::TarWriter& writer, const tar::TarHeader& out, Layer& layer, bool data);
    void spill(uint32_t item, const tar::TarHeader& out, Layer& layer, bool data);
    void copy(Spill& spill, const Chunk& chunk);
    void writeWhiteout(uint32_t whiteout);
    void writeMergedHive(uint32_t item);
    tar::TarWriter& spillWriter(Spill& spill);

    SquashLayerWriter& m_owner;
    const SquashPlan& m_plan;
    io::ByteSink& m_sink;
    Progress& m_progress;
    tar::TarWriter m_out;

    std::unordered_map<uint64_t, std::vector<uint32_t>> m_wanted; // source entry -> the items it feeds
    std::unordered_map<uint64_t, std::vector<std::pair<size_t, size_t>>> m_hiveFeeds; // -> (hive, position)
    std::array<std::vector<std::vector<uint8_t>>, 5> m_hiveBytes;
    std::unordered_map<uint32_t, tar::TarHeader> m_hiveHeaders; // merged hive items: the header they take
    std::vector<State> m_state;
    std::vector<uint32_t> m_waitFor; // the nearest folder above an item that is an item too, or None
    std::vector<uint32_t> m_ownerOf; // a stream's file, when that is an item too, or None
    std::unordered_map<uint32_t, std::vector<uint32_t>> m_streamsOf;
    std::unordered_map<uint32_t, std::vector<uint32_t>> m_whiteoutsIn; // folder item -> whiteouts
    std::vector<uint32_t> m_looseWhiteouts; // in folders the layer does not hold: written first
    std::vector<uint32_t> m_orphanWhiteouts; // in folders the target does not have: written last
    std::unordered_map<uint32_t, std::vector<uint32_t>> m_waiting; // folder item -> items spilled until it is written
    std::unordered_map<uint32_t, Chunk> m_spilled;
    std::deque<uint32_t> m_ready;
    std::vector<Layer> m_layers;
    std::unordered_map<uint32_t, size_t> m_layerSlot; // layer index -> m_layers position
    Spill m_waitSpill;
    Spill m_linkSpill;
    std::vector<uint8_t> m_buffer;
    uint64_t m_written = 0;
};

SquashLayerWriter::Pass::Pass(SquashLayerWriter& owner, io::ByteSink& sink, Progress& progress)
    : m_owner(owner)
    , m_plan(owner.m_plan)
    , m_sink(sink)
    , m_progress(progress)
    , m_out(sink)
{
    m_waitSpill.path = owner.m_spillFile;
    m_linkSpill.path = owner.m_spillFile;
    m_linkSpill.path += "-links"; // not string(): it throws on Windows for names outside the code page
}

bool SquashLayerWriter::Pass::head(Layer& layer)
{
    while (!layer.hasHead && layer.remaining > 0) {
        if (!layer.reader->next(layer.header))
            throw Error({m_owner.m_layerName(layer.index), {}, {}, layer.reader->offset()},
                        "the layer ended before " + std::to_string(layer.remaining)
                            + " entries its index lists: did the blob change while it was squashed?");
        m_progress.checkCancelled();
        const uint64_t k = key(layer.index, uint32_t(layer.header.index));
        const auto items = m_wanted.find(k);
        const auto feeds = m_hiveFeeds.find(k);
        if (items == m_wanted.end() && feeds == m_hiveFeeds.end())
            continue;
        --layer.remaining;
        layer.held.clear();
        if (feeds != m_hiveFeeds.end()) {
            const tar::TarHeader& header = layer.header;
            if (header.size > hive::HiveReader::kMaxHiveSize)
                throw Error({m_owner.m_layerName(layer.index), header.index, header.path, header.headerOffset},
                            "hive is larger than the 512 MiB this tool reads");
            layer.held.resize(header.size);
            size_t got = 0;
            for (size_t n; got < layer.held.size()
                 && (n = layer.reader->readData(layer.held.data() + got, layer.held.size() - got)) > 0;)
                got += n;
            layer.held.resize(got);
            for (const auto& [h, p] : feeds->second)
                m_hiveBytes[h][p] = layer.held;
        }
        layer.hasHead = items != m_wanted.end();
    }
    return layer.hasHead;
}

bool SquashLayerWriter::Pass::ready(uint32_t item) const
{
    if (m_ownerOf[item] != None)
        return false; // a stream goes right after its file, pulled in by fetch()
    return m_waitFor[item] == None || m_state[m_waitFor[item]] == State::Written;
}

bool SquashLayerWriter::Pass::headReady(Layer& layer)
{
    for (const uint32_t i : m_wanted.find(key(layer.index, uint32_t(layer.header.index)))->second) {
        const SquashItem& item = m_plan.items[i];
        if (item.content == SquashItem::Content::Copied && item.type != wcow::EntryType::Hardlink && !ready(i))
            return false;
    }
    return true;
}

bool SquashLayerWriter::Pass::headBlockedBySpilled(Layer& layer)
{
    // Waiting for a folder (or file) that is itself in the spill file: reading on cannot make it ready sooner.
    for (const uint32_t i : m_wanted.find(key(layer.index, uint32_t(layer.header.index)))->second) {
        const uint32_t on = m_ownerOf[i] != None ? m_ownerOf[i] : m_waitFor[i];
        if (on != None && (m_state[on] == State::Waiting || m_state[on] == State::Ready))
            return true;
    }
    return false;
}

void SquashLayerWriter::Pass::writeEntry(tar::TarWriter& writer, const tar::TarHeader& out, Layer& layer, bool data)
{
    writer.add(out);
    if (!data)
        return;
    if (!layer.held.empty() || layer.header.size == 0) {
        writer.writeData(layer.held.data(), layer.held.size());
        return;
    }
    for (std::span<const uint8_t> piece; !(piece = layer.reader->readDataChunk(size_t(1) << 20)).empty();)
        writer.writeData(piece.data(), piece.size());
}

tar::TarWriter& SquashLayerWriter::Pass::spillWriter(Spill& spill)
{
    if (!spill.writer) {
        spill.file.emplace(spill.path, io::AtomicFileOptions {.overwrite = true});
        spill.writer.emplace(*spill.file);
    }
    return *spill.writer;
}

void SquashLayerWriter::Pass::spill(uint32_t item, const tar::TarHeader& out, Layer& layer, bool data)
{
    tar::TarWriter& writer = spillWriter(m_waitSpill);
    Chunk chunk {writer.offset(), 0};
    writeEntry(writer, out, layer, data);
    chunk.length = writer.offset() - chunk.offset;
    m_owner.m_spilledBytes += chunk.length;
    ++m_owner.m_spilledEntries;
    m_spilled[item] = chunk;
    if (m_ownerOf[item] != None) {
        m_state[item] = State::Waiting; // fetch() copies it when its file is written
    } else if (ready(item)) {
        m_state[item] = State::Ready;
        m_ready.push_back(item);
    } else {
        m_state[item] = State::Waiting;
        m_waiting[m_waitFor[item]].push_back(item);
    }
}

void SquashLayerWriter::Pass::copy(Spill& spill, const Chunk& chunk)
{
    spill.file->finish(); // hands the buffered bytes to the OS, so that a second handle reads them
    image::FileRangeSource source(spill.file->temporaryPath(), chunk.offset, chunk.length,
                                  io::pathToUtf8(spill.file->temporaryPath()));
    if (m_buffer.empty())
        m_buffer.resize(size_t(1) << 20);
    for (size_t n; (n = source.read(m_buffer.data(), m_buffer.size())) > 0;)
        m_sink.write(m_buffer.data(), n);
}

// Takes the entry at the layer's head: each item it feeds is written when its folder is (or `force` says so), else
// spilled; hard links are queued for the end; merged hive items keep its header.
void SquashLayerWriter::Pass::take(Layer& layer, bool spillAll, uint32_t force)
{
    layer.hasHead = false;
    const tar::TarHeader& header = layer.header;
    const bool data = hasData(header) && header.size > 0;
    std::string firstPath; // a second item of the same entry links to the first (the data is read once)
    std::vector<uint32_t> done;
    for (const uint32_t i : m_wanted.find(key(layer.index, uint32_t(header.index)))->second) {
        const SquashItem& item = m_plan.items[i];
        if (item.content != SquashItem::Content::Copied) {
            m_hiveHeaders[i] = header;
            continue;
        }
        tar::TarHeader out = header;
        if (wcow::normalizePath(out.path) != item.path)
            out.path = item.path;
        if (item.type == wcow::EntryType::Hardlink) {
            out.linkPath = item.linkTarget;
            ++m_owner.m_hardLinks;
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
        if (data && !firstPath.empty()) {
            out.type = tar::typeflag::HardLink;
            out.linkPath = firstPath;
            out.size = 0;
        }
        if (item.path != wcow::normalizePath(header.path) && item.type == wcow::EntryType::File)
            ++m_owner.m_linksMadeFiles;
        if (out.type == tar::typeflag::HardLink) {
            // Hard links last, so that their targets, in the layer or below it, come first (§1.3).
            spillWriter(m_linkSpill).add(out);
            m_state[i] = State::Written;
            ++m_written;
            continue;
        }
        if (i == force || (!spillAll && ready(i))) {
            writeEntry(m_out, out, layer, data);
            m_state[i] = State::Written;
            done.push_back(i);
        } else {
            spill(i, out, layer, data);
        }
        if (data)
            firstPath = item.path;
    }
    for (const uint32_t i : done)
        written(i);
}

// After an item is in the output: its streams right after it, the whiteouts of a folder, then what waited for it.
void SquashLayerWriter::Pass::written(uint32_t item)
{
    if ((++m_written & 0xFF) == 0)
        m_progress.advance(m_written, m_plan.items.size());
    if (const auto it = m_streamsOf.find(item); it != m_streamsOf.end())
        for (const uint32_t stream : it->second)
            if (m_state[stream] != State::Written)
                fetch(stream);
    if (const auto it = m_whiteoutsIn.find(item); it != m_whiteoutsIn.end())
        for (const uint32_t whiteout : it->second)
            writeWhiteout(whiteout);
    if (const auto it = m_waiting.find(item); it != m_waiting.end()) {
        const std::vector<uint32_t> children = std::move(it->second);
        m_waiting.erase(it);
        for (const uint32_t child : children) {
            copy(m_waitSpill, m_spilled.at(child));
            m_state[child] = State::Written;
            written(child);
        }
    }
}

void SquashLayerWriter::Pass::fetch(uint32_t stream)
{
    if (m_state[stream] == State::Waiting) {
        copy(m_waitSpill, m_spilled.at(stream));
    } else {
        const SquashItem& item = m_plan.items[stream];
        Layer& layer = m_layers[m_layerSlot.at(item.sourceLayer)];
        const uint64_t wantedKey = key(item.sourceLayer, item.sourceTarIndex);
        // What lies between the file and its stream in that layer waits in the spill file.
        while (head(layer) && key(layer.index, uint32_t(layer.header.index)) != wantedKey)
            take(layer, true);
        if (!layer.hasHead)
            throw Error({m_owner.m_layerName(item.sourceLayer), item.sourceTarIndex, item.path, {}},
                        "stream not found in the layer blob while squashing");
        take(layer, true, stream);
        return; // take() saw to the rest
    }
    m_state[stream] = State::Written;
    written(stream);
}

void SquashLayerWriter::Pass::drainReady()
{
    while (!m_ready.empty()) {
        const uint32_t item = m_ready.front();
        m_ready.pop_front();
        copy(m_waitSpill, m_spilled.at(item));
        m_state[item] = State::Written;
        written(item);
    }
}

void SquashLayerWriter::Pass::writeWhiteout(uint32_t whiteout)
{
    // wcow-layer-format §1.4: whiteouts are plain entries, mode 0, time 0, no Windows records.
    const std::string& path = m_plan.whiteouts[whiteout];
    tar::TarHeader h;
    const std::string_view parent = wcow::parentPath(path);
    h.path = (parent.empty() ? std::string() : std::string(parent) + "/") + std::string(wcow::kWhiteoutPrefix)
        + std::string(wcow::baseName(path));
    h.type = tar::typeflag::Regular;
    m_out.add(h);
}

void SquashLayerWriter::Pass::writeMergedHive(uint32_t i)
{
    const SquashItem& item = m_plan.items[i];
    const auto& sources = m_plan.hives[item.hive].sources;
    std::vector<hive::HiveReader> readers;
    readers.reserve(sources.size());
    for (size_t p = 0; p < sources.size(); ++p) {
        hive::HiveReader reader(m_hiveBytes[item.hive][p]);
        if (!reader.root())
            throw Error(
                {m_owner.m_layerName(sources[p].layer), sources[p].tarIndex, {}, {}},
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
    m_owner.m_mergedHives.push_back(std::string(wcow::baseName(item.path)));
    tar::TarHeader out = m_hiveHeaders.at(i);
    if (wcow::normalizePath(out.path) != item.path)
        out.path = item.path;
    out.size = bytes.size();
    m_out.add(out);
    m_out.writeData(bytes.data(), bytes.size());
    m_state[i] = State::Written;
    written(i);
}

void SquashLayerWriter::Pass::run()
{
    const index::TreeIndex& target = m_plan.target;
    const size_t count = m_plan.items.size();
    std::vector<uint32_t> itemOf(target.nodeCount(), None);
    for (size_t i = 0; i < count; ++i)
        itemOf[m_plan.items[i].node] = uint32_t(i);

    // Which entry of which layer feeds which item and which hive.
    std::map<uint32_t, size_t> perLayer;
    for (size_t i = 0; i < count; ++i) {
        const SquashItem& item = m_plan.items[i];
        auto& feeds = m_wanted[key(item.sourceLayer, item.sourceTarIndex)];
        if (feeds.empty())
            ++perLayer[item.sourceLayer];
        feeds.push_back(uint32_t(i));
    }
    for (size_t h = 0; h < 5; ++h) {
        const auto& sources = m_plan.hives[h].sources;
        m_hiveBytes[h].resize(sources.size());
        for (size_t p = 0; p < sources.size(); ++p) {
            const uint64_t k = key(sources[p].layer, sources[p].tarIndex);
            if (!m_wanted.contains(k) && m_hiveFeeds[k].empty())
                ++perLayer[sources[p].layer];
            m_hiveFeeds[k].emplace_back(h, p);
        }
    }

    // What each item waits for: the nearest folder above it that the layer holds; for a stream, its file.
    m_state.assign(count, State::Pending);
    m_waitFor.assign(count, None);
    m_ownerOf.assign(count, None);
    for (size_t i = 0; i < count; ++i) {
        const SquashItem& item = m_plan.items[i];
        for (index::NodeId n = target.parent(item.node); n != index::InvalidNode && n != target.root();
             n = target.parent(n))
            if (itemOf[n] != None) {
                m_waitFor[i] = itemOf[n];
                break;
            }
        if (item.type != wcow::EntryType::Stream)
            continue;
        const std::string file = wcow::streamOwner(item.path);
        if (file == item.path)
            continue;
        const index::NodeId node = target.find(file);
        // A hard link is written at the end, header only; a stream under its name just waits for its folder.
        if (node != index::InvalidNode && itemOf[node] != None
            && m_plan.items[itemOf[node]].type != wcow::EntryType::Hardlink) {
            m_ownerOf[i] = itemOf[node];
            m_streamsOf[itemOf[node]].push_back(uint32_t(i));
        }
    }
    for (size_t w = 0; w < m_plan.whiteouts.size(); ++w) {
        const std::string_view parent = wcow::parentPath(m_plan.whiteouts[w]);
        const index::NodeId node = parent.empty() ? target.root() : target.find(parent);
        if (node == index::InvalidNode)
            m_orphanWhiteouts.push_back(uint32_t(w));
        else if (node == target.root() || itemOf[node] == None)
            m_looseWhiteouts.push_back(uint32_t(w));
        else
            m_whiteoutsIn[itemOf[node]].push_back(uint32_t(w));
    }

    m_layers.reserve(perLayer.size());
    for (const auto& [index, remaining] : perLayer) {
        Layer& layer = m_layers.emplace_back();
        layer.index = index;
        layer.remaining = remaining;
        layer.source = io::openDecompressed(m_owner.m_openLayer(index));
        layer.reader = std::make_unique<tar::TarReader>(*layer.source, kReaderBuffer);
        m_layerSlot[index] = m_layers.size() - 1;
    }

    for (const uint32_t w : m_looseWhiteouts)
        writeWhiteout(w);
    // The merge: each layer as far as its entries' folders are written; when every layer waits, one entry goes to
    // the spill file — preferably one whose folder is there already, else the lowest layer's.
    for (;;) {
        bool moved = false;
        bool open = false;
        for (Layer& layer : m_layers) {
            while (head(layer) && headReady(layer)) {
                take(layer, false);
                drainReady();
                moved = true;
            }
            open = open || layer.hasHead;
        }
        if (!open)
            break;
        if (moved)
            continue;
        Layer* stuck = nullptr;
        for (Layer& layer : m_layers) {
            if (!layer.hasHead)
                continue;
            if (headBlockedBySpilled(layer)) {
                stuck = &layer;
                break;
            }
            if (!stuck)
                stuck = &layer;
        }
        take(*stuck, true);
        drainReady();
    }

    for (size_t i = 0; i < count; ++i)
        if (m_plan.items[i].content != SquashItem::Content::Copied)
            writeMergedHive(uint32_t(i));
    for (const uint32_t w : m_orphanWhiteouts)
        writeWhiteout(w);
    for (size_t i = 0; i < count; ++i)
        if (m_state[i] != State::Written)
            throw Error({m_owner.m_layerName(m_plan.items[i].sourceLayer),
                         m_plan.items[i].sourceTarIndex,
                         m_plan.items[i].path,
                         {}},
                        m_state[i] == State::Pending ? "entry not found in the layer blob while squashing"
                                                     : "the folder of this entry is not in the squashed layer");
    if (m_linkSpill.writer) {
        m_owner.m_spilledBytes += m_linkSpill.writer->offset();
        copy(m_linkSpill, {0, m_linkSpill.writer->offset()});
    }
    m_out.finish();
    m_progress.advance(count, count);
}

SquashLayerWriter::SquashLayerWriter(const SquashPlan& plan, OpenLayer openLayer, LayerName layerName,
                                     fs::path spillFile)
    : m_plan(plan)
    , m_openLayer(std::move(openLayer))
    , m_layerName(std::move(layerName))
    , m_spillFile(std::move(spillFile))
{ }

SquashLayerWriter::~SquashLayerWriter() = default;

void SquashLayerWriter::write(io::ByteSink& sink, Progress& progress)
{
    Pass(*this, sink, progress).run();
}

} // namespace layerscope::squash
