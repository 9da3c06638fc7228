// SPDX-License-Identifier: Apache-2.0
#include "index/layerscan.h"

#include "common/asyncsha256.h"
#include "common/sha256.h"
#include "hive/hivereader.h"
#include "index/treeindexbuilder.h"
#include "io/decompressingsource.h"
#include "io/filesource.h"
#include "io/observedsource.h"
#include "io/readaheadsource.h"
#include "tar/tarreader.h"
#include "wcow/casefold.h"
#include "wcow/entrydecoder.h"
#include "wcow/layoutchecker.h"

#include <algorithm>
#include <array>

namespace layerscope::index {

void EntryCounts::count(wcow::EntryType type)
{
    using wcow::EntryType;
    ++entries;
    switch (type) {
    case EntryType::File:
        ++files;
        break;
    case EntryType::Directory:
        ++directories;
        break;
    case EntryType::Symlink:
        ++symlinks;
        break;
    case EntryType::Junction:
        ++junctions;
        break;
    case EntryType::Hardlink:
        ++hardlinks;
        break;
    case EntryType::Whiteout:
        ++whiteouts;
        break;
    case EntryType::Stream:
        ++streams;
        break;
    case EntryType::Other:
        break;
    }
}

namespace {

// Hives are read whole to validate them; real SOFTWARE hives reach a few hundred MiB, which we skip with a note
// rather than hold in memory.
constexpr uint64_t MaxHiveBytes = uint64_t(256) << 20;

// The hives Windows' importers open: the base layer's config hives, the UtilityVM's BCD store
// (wcow-layer-format §3) and a delta layer's Hives/*_Delta files (§2.2).
bool isHivePath(std::string_view path)
{
    if (path.size() > 64)
        return false;
    const std::string folded = wcow::foldCase(path);
    if (folded.starts_with("HIVES/") && folded.ends_with("_DELTA") && folded.find('/', 6) == std::string::npos)
        return true;
    static const std::array<std::string_view, 6> hives
        = {"FILES/WINDOWS/SYSTEM32/CONFIG/DEFAULT",  "FILES/WINDOWS/SYSTEM32/CONFIG/SAM",
           "FILES/WINDOWS/SYSTEM32/CONFIG/SECURITY", "FILES/WINDOWS/SYSTEM32/CONFIG/SOFTWARE",
           "FILES/WINDOWS/SYSTEM32/CONFIG/SYSTEM",   "UTILITYVM/FILES/EFI/MICROSOFT/BOOT/BCD"};
    return std::find(hives.begin(), hives.end(), folded) != hives.end();
}

// Windows layers keep everything under these roots (wcow-layer-format §1.3); their names compare as NTFS does.
bool isWindowsPath(std::string_view path)
{
    const std::string root = wcow::foldCase(path.substr(0, path.find('/')));
    return root == "FILES" || root == "UTILITYVM" || root == "HIVES";
}

void checkHive(wcow::LayoutChecker& checker, const std::string& path, const std::vector<uint8_t>& bytes)
{
    // Zero-length hives have their own, more specific finding in the checker.
    if (bytes.empty())
        return;
    const hive::HiveReader reader(bytes);
    std::string reason;
    for (const auto& p : reader.problems())
        if (p.severity == hive::HiveReader::Severity::Error) {
            reason = "not a valid registry hive: " + p.message + " (at byte " + std::to_string(p.offset) + ")";
            break;
        }
    checker.addHiveCheck(path, reader.valid(), reason);
}

} // namespace

LayerScan scanLayerFile(const std::filesystem::path& path, const ScanOptions& options)
{
    return scanLayer(std::make_unique<io::FileSource>(path), options);
}

LayerScan scanLayer(std::unique_ptr<io::ByteSource> stored, const ScanOptions& options)
{
    Progress& progress = options.progress ? *options.progress : Progress::none();
    LayerScan scan;
    scan.source = stored->name();
    scan.storedSize = stored->storedSize();

    // Three threads share the work: the read-ahead thread decompresses (the one job that cannot be split), a
    // hashing thread digests the stored bytes it hands over, and this thread parses, hashes the uncompressed stream
    // (diff_id) and every file, and builds the index.
    // Buffers no bigger than the blob where the blob bounds the stream: a small layer (or a fuzz input, thousands a
    // minute) should not pay for megabytes it never fills.
    const auto bufferFor = [](uint64_t streamSize) {
        constexpr uint64_t Smallest = uint64_t(64) << 10;
        constexpr uint64_t Largest = uint64_t(1) << 20;
        return size_t(streamSize == 0 ? Largest : std::clamp(streamSize, Smallest, Largest));
    };
    AsyncSha256 storedHash(bufferFor(scan.storedSize));
    uint64_t storedBytes = 0;
    auto observedStored = std::make_unique<io::ObservedSource>(std::move(stored), [&](const uint8_t* data, size_t n) {
        storedHash.update(data, n);
        storedBytes += n;
    });
    // Windows layers compare names as NTFS does; decided from the first entry, since the tree is built as we go.
    std::optional<TreeIndexBuilder> builder;
    Sha256 tarHash;
    uint64_t tarBytes = 0;
    {
        // The stream, its read-ahead buffers and the layout checker's name table go out of scope before the index
        // is finished, which is when the builder needs the most memory.
        auto decompressed = io::openDecompressed(std::move(observedStored));
        scan.compression = decompressed->compression();
        const uint64_t tarSize = decompressed->compression() == io::Compression::None ? scan.storedSize : 0;
        auto readAhead = std::make_unique<io::ReadAheadSource>(std::move(decompressed), bufferFor(tarSize));
        io::ObservedSource tarStream(std::move(readAhead), [&](const uint8_t* data, size_t n) {
            tarHash.update(data, n);
            tarBytes += n;
        });

        tar::TarReader reader(tarStream, bufferFor(tarSize));
        wcow::LayoutChecker checker;
        tar::TarHeader header;
        Sha256 fileHash;
        std::vector<uint8_t> hiveBytes;

        while (reader.next(header)) {
            if ((header.index & 0xFF) == 0) {
                progress.checkCancelled();
                progress.advance(tarStream.storedPosition(), scan.storedSize);
            }
            wcow::WindowsEntry entry = wcow::decodeEntry(header, scan.problems);
            if (!builder && options.buildIndex)
                builder.emplace(isWindowsPath(entry.path), /*keepCaseVariants=*/true);
            scan.counts.count(entry.type);
            const bool hasData = entry.type == wcow::EntryType::File || entry.type == wcow::EntryType::Stream;
            std::optional<Sha256Digest> digest;
            if (hasData) {
                scan.totalBytes += header.size;
                const bool keepHive = isHivePath(entry.path) && header.size <= MaxHiveBytes;
                hiveBytes.clear();
                if (options.hashFiles || keepHive) {
                    for (;;) {
                        const auto chunk = reader.readDataChunk();
                        if (chunk.empty())
                            break;
                        if (options.hashFiles)
                            fileHash.update(chunk);
                        if (keepHive)
                            hiveBytes.insert(hiveBytes.end(), chunk.begin(), chunk.end());
                    }
                    if (options.hashFiles)
                        digest = fileHash.finish();
                }
                if (keepHive)
                    checkHive(checker, entry.path, hiveBytes);
            }
            checker.add(entry);
            if (builder)
                builder->add(entry, digest);
        }
        // Drain the stream so that the diff_id covers every byte, trailing blocks included.
        std::array<uint8_t, 65536> sink;
        while (tarStream.read(sink.data(), sink.size()) > 0) { }

        auto layout = checker.finish();
        scan.layout = layout.layout;
        scan.problems.insert(scan.problems.end(), layout.problems.begin(), layout.problems.end());
        scan.warnings = reader.warnings();
        scan.digest = toDigestString(storedHash.finish());
        scan.diffId = toDigestString(tarHash.finish());
        scan.uncompressedSize = tarBytes;
        if (scan.storedSize == 0)
            scan.storedSize = storedBytes;
    }
    if (builder)
        scan.index = builder->finish();
    progress.advance(scan.storedSize, scan.storedSize);
    return scan;
}

} // namespace layerscope::index
