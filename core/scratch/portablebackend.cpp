// SPDX-License-Identifier: Apache-2.0
#include "scratch/portablebackend.h"

#include "baselayer/baselayerbuilder.h"
#include "common/error.h"
#include "image/imagesource.h"
#include "index/filestat.h"
#include "index/folderscan.h"
#include "io/atomicfile.h"
#include "io/decompressingsource.h"
#include "io/platformfile.h"
#include "scratch/chainblobs.h"
#include "scratch/changeset.h"
#include "scratch/deltalayerwriter.h"
#include "scratch/imageappender.h"
#include "scratch/materializer.h"
#include "scratch/safefolder.h"
#include "scratch/scratchsession.h"
#include "tar/tarreader.h"
#include "tar/tarwriter.h"
#include "wcow/casefold.h"
#include "wcow/paxtime.h"

#include <chrono>

namespace layerscope::scratch {

namespace fs = std::filesystem;

namespace {

wcow::PaxTime nowTime()
{
    const auto ns
        = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
              .count();
    // 100 ns resolution: what a FILETIME can hold (wcow-layer-format §1.5).
    return {ns / 1000000000, uint32_t((ns % 1000000000) / 100 * 100)};
}

// Removes a folder it was given on every path out of a scope, unless released.
struct FolderGuard
{
    fs::path path;
    ~FolderGuard()
    {
        if (path.empty())
            return;
        try {
            SafeFolder(path.parent_path()).remove(io::pathToUtf8(path.filename()));
        } catch (...) {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    }
};

fs::path absoluteOf(const fs::path& path)
{
    return fs::absolute(path).lexically_normal();
}

ScratchSession loadPortable(const fs::path& workDir, bool withBaseline = true)
{
    ScratchSession session = ScratchSession::load(workDir, withBaseline);
    if (session.backend != "portable")
        throw Error({io::pathToUtf8(workDir), {}, {}, {}},
                    "was prepared by the " + session.backend + " backend, not the portable one");
    return session;
}

void refuseExisting(const std::optional<fs::path>& path, bool overwrite)
{
    std::error_code ec;
    if (path && !overwrite && fs::exists(fs::symlink_status(*path, ec)))
        throw Error({io::pathToUtf8(*path), {}, {}, {}}, "already exists (use --force to overwrite)");
}

} // namespace

PrepareResult PortableBackend::prepare(const PrepareRequest& request, Progress& progress)
{
    if (request.workDir.empty())
        throw Error("scratch prepare needs a work folder");
    if (request.source.empty() && !request.parentless)
        throw Error("scratch prepare needs an image source (or a parentless scratch)");
    const fs::path workDir = absoluteOf(request.workDir);
    std::error_code ec;
    if (fs::exists(fs::symlink_status(workDir, ec)))
        throw Error({io::pathToUtf8(workDir), {}, {}, {}}, "already exists; a work folder must be new");
    if (!fs::is_directory(workDir.parent_path(), ec))
        throw Error({io::pathToUtf8(workDir.parent_path()), {}, {}, {}}, "does not exist (or is not a folder)");

    ScratchSession session;
    session.backend = name();
    session.parentless = request.parentless;
    session.platform = request.platform;
    session.upTo = request.upTo;
    session.created = wcow::formatRfc3339(nowTime());

    std::unique_ptr<image::ImageSource> source;
    std::unique_ptr<ChainBlobs> blobs;
    if (!request.source.empty()) {
        const fs::path sourcePath = absoluteOf(request.source);
        source = image::ImageSource::open(sourcePath, {request.platform, &progress});
        const image::Image& img = source->image();
        blobs = std::make_unique<ChainBlobs>(sourcePath, img, progress);
        if (img.layers.empty())
            throw Error({io::pathToUtf8(sourcePath), {}, {}, {}}, "has no layers");
        if (request.upTo && *request.upTo >= img.layers.size())
            throw Error({io::pathToUtf8(sourcePath), {}, {}, {}},
                        "has " + std::to_string(img.layers.size()) + " layers (0-"
                            + std::to_string(img.layers.size() - 1) + "); there is no layer "
                            + std::to_string(*request.upTo));
        session.source = io::pathToUtf8(sourcePath);
        session.sourceKind = image::sourceKindName(img.kind);
        session.layerCount = request.upTo ? *request.upTo + 1 : img.layers.size();
        for (size_t i = 0; i < session.layerCount; ++i) {
            const auto& l = img.layers[i];
            session.layerDigests.push_back(l.digest.empty() ? l.diffId : l.digest);
            session.diffIds.push_back(l.diffId);
        }
    }

    // Built under a hidden sibling name (same volume, so the final rename is atomic) and renamed into place only
    // when complete: a cancel or an error at any point leaves no half-made work folder (issue 7).
    FolderGuard staging {io::hiddenSibling(workDir, ".layerscope-prepare-")};
    fs::create_directory(staging.path);

    PrepareResult result;
    {
        SafeFolder folder(staging.path);
        Materializer materializer(folder);
        if (source) {
            const image::Image& img = source->image();
            uint64_t total = 0;
            for (size_t i = 0; i < session.layerCount; ++i)
                total += img.layers[i].size.value_or(0);
            uint64_t done = 0;
            for (size_t i = 0; i < session.layerCount; ++i) {
                materializer.applyLayer(blobs->openLayer(i), blobs->layerName(i), uint16_t(i), progress, done, total);
                done += img.layers[i].size.value_or(0);
            }
        }
        materializer.finish();
        if (materializer.origin(std::string("Files/") + ScratchSession::StateFolderName))
            throw Error({session.source, {}, std::string("Files/") + ScratchSession::StateFolderName, {}},
                        "the chain holds a folder named like LayerScope's state folder; cannot prepare over it");

        // The baseline: what the disk holds now (so that later scans compare like with like), with the Windows
        // metadata of the entry that put each path there.
        index::FolderScanOptions options;
        options.prefix = "Files";
        options.hashFiles = true;
        options.caseInsensitive = true;
        options.progress = &progress;
        const index::TreeIndex scan = index::scanFolder(staging.path, options);
        for (const auto& record : scan.records()) {
            BaselineEntry b;
            b.path = scan.path(record.node);
            b.type = record.type;
            b.size = record.size;
            if (record.has(index::TreeIndex::Record::HasHash))
                b.sha256 = record.sha256;
            b.modified = scan.modified(record);
            b.changed = scan.changed(record);
            b.linkTarget = std::string(scan.linkTarget(record));
            if (const Materializer::Origin* o = materializer.origin(b.path); o && o->listed) {
                b.windows = o->entry;
                b.windows->path = b.path;
                b.layer = o->layer;
            }
            session.baseline.push_back(std::move(b));
        }
        session.notes = materializer.notes();
        result.files = materializer.files();
        result.directories = materializer.directories();
        result.links = materializer.links();
        result.bytes = materializer.bytes();
        result.notes = session.notes;
    }
    session.save(staging.path);
    progress.checkCancelled();
    if (!SafeFolder::renameNoReplace(staging.path, workDir))
        throw Error({io::pathToUtf8(workDir), {}, {}, {}}, "already exists; a work folder must be new");
    staging.path.clear();
    result.workDir = workDir;
    result.filesFolder = workDir;
    result.layers = session.layerCount;
    return result;
}

ScratchStatus PortableBackend::status(const fs::path& workDir, Progress& progress)
{
    const ScratchSession session = loadPortable(workDir);
    return ChangeSet::compute(workDir, session, progress).status();
}

CommitResult PortableBackend::commit(const fs::path& workDir, const CommitRequest& request, Progress& progress)
{
    const ScratchSession session = loadPortable(workDir);
    if (request.layerOut.empty())
        throw Error("scratch commit needs an output layer file");
    refuseExisting(request.layerOut, request.overwrite);
    refuseExisting(request.imageOut, request.overwrite);
    if (request.imageOut && request.imageFormat != baselayer::OutputFormat::Oci
        && request.imageFormat != baselayer::OutputFormat::DockerArchive)
        throw Error({io::pathToUtf8(*request.imageOut), {}, {}, {}}, "an image is written as oci or docker-archive");
    if (request.imageOut && !session.parentless && session.source.empty())
        throw Error("this scratch has no parent image to append to");

    const ChangeSet changes = ChangeSet::compute(workDir, session, progress);
    const wcow::PaxTime now = request.created.value_or(nowTime());

    baselayer::PackageOptions package;
    package.format = baselayer::formatFromExtension(request.layerOut).value_or(baselayer::OutputFormat::TarGz);
    package.overwrite = request.overwrite;
    package.createdBy = request.createdBy;
    package.created = now;
    package.progress = &progress;

    CommitResult result;
    result.status = changes.status();
    if (session.parentless) {
        // wcow-layer-format §3 via the folder-to-base-layer builder (valid hives added when the folder has none).
        // It reads the whole folder, state included, so its tar is staged and copied without .layerscope/.
        baselayer::BaseLayerOptions options;
        options.fromFolder = workDir;
        options.timestamp = now;
        const baselayer::BaseLayerBuilder builder(options);
        const fs::path out = absoluteOf(request.layerOut);
        io::AtomicFile staged(io::hiddenSibling(out, ".base.tar-"), {.overwrite = true});
        builder.write(staged, progress);
        staged.finish();
        const std::string statePrefix = std::string("Files/") + ScratchSession::StateFolderName;
        auto filtered = [&](io::ByteSink& sink) {
            auto input = io::openDecompressedFile(staged.temporaryPath());
            tar::TarReader reader(*input);
            tar::TarWriter writer(sink);
            tar::TarHeader header;
            std::vector<uint8_t> buffer(size_t(1) << 20);
            uint64_t count = 0;
            while (reader.next(header)) {
                progress.checkCancelled();
                const std::string_view path = header.path;
                if (wcow::equalsIgnoringCase(path.substr(0, statePrefix.size()), statePrefix)
                    && (path.size() == statePrefix.size() || path[statePrefix.size()] == '/'))
                    continue;
                writer.add(header);
                for (size_t n; (n = reader.readData(buffer.data(), buffer.size())) > 0;)
                    writer.writeData(buffer.data(), n);
                ++count;
            }
            writer.finish();
            result.entries = count;
        };
        const baselayer::PackageResult layer = baselayer::packageLayer(filtered, request.layerOut, package);
        result.layer = layer.output;
        result.digest = layer.digest;
        result.diffId = layer.diffId;
        result.baseLayer = true;
        if (request.imageOut) {
            baselayer::PackageOptions image = package;
            image.format = request.imageFormat;
            image.createdBy = request.createdBy + " (parentless)";
            const baselayer::PackageResult written = baselayer::packageLayer(filtered, *request.imageOut, image);
            result.image = written.output;
            result.manifestDigest = written.manifestDigest;
            result.configDigest = written.configDigest;
        }
        return result;
    }

    const DeltaLayerWriter writer(workDir, session, changes, now);
    const baselayer::PackageResult layer
        = baselayer::packageLayer([&](io::ByteSink& sink) { writer.write(sink, progress); }, request.layerOut, package);
    result.layer = layer.output;
    result.digest = layer.digest;
    result.diffId = layer.diffId;
    result.entries = writer.entries();
    result.whiteouts = writer.whiteouts();
    if (request.imageOut) {
        AppendOptions append;
        append.format = request.imageFormat;
        append.keepLayers = session.layerCount;
        append.platform = session.platform;
        append.createdBy = request.createdBy;
        append.created = now;
        append.layerDiffId = layer.diffId;
        append.overwrite = request.overwrite;
        append.progress = &progress;
        const AppendResult written = appendLayer(fs::u8path(session.source), layer.output, *request.imageOut, append);
        result.image = written.output;
        result.manifestDigest = written.manifestDigest;
        result.configDigest = written.configDigest;
    }
    return result;
}

void PortableBackend::discard(const fs::path& workDir, Progress& progress)
{
    const fs::path dir = absoluteOf(workDir);
    if (index::isLink(dir))
        throw Error({io::pathToUtf8(dir), {}, {}, {}}, "is a link; refusing to discard through it");
    if (!ScratchSession::isScratchFolder(dir))
        throw Error({io::pathToUtf8(dir), {}, {}, {}},
                    "holds no LayerScope scratch state (.layerscope/session.json); refusing to delete it");
    loadPortable(dir, false);
    progress.checkCancelled();
    // Renamed aside first, so that the work folder disappears in one step and a removal that fails half-way never
    // leaves something that still looks like a session.
    const fs::path aside = io::hiddenSibling(dir, ".layerscope-discard-");
    fs::rename(dir, aside);
    SafeFolder(dir.parent_path()).remove(io::pathToUtf8(aside.filename()));
}

} // namespace layerscope::scratch
