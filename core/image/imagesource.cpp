// SPDX-License-Identifier: Apache-2.0
#include "image/imagesource.h"

#include "common/error.h"
#include "image/diskinfo.h"
#include "image/dockerarchivereader.h"
#include "image/folderblobstore.h"
#include "image/layerfolderreader.h"
#include "image/ocilayoutreader.h"
#include "image/sourcedetector.h"
#include "index/folderscan.h"
#include "index/treeindexbuilder.h"
#include "io/filesource.h"
#include "io/platformfile.h"

namespace layerscope::image {

namespace fs = std::filesystem;

ImageSource::~ImageSource() = default;

std::unique_ptr<ImageSource> ImageSource::open(const fs::path& path, const OpenOptions& options)
{
    Progress& progress = options.progress ? *options.progress : Progress::none();
    Detection detection = detectSource(path, progress);
    std::unique_ptr<ImageSource> source(new ImageSource());
    source->m_path = path;
    Image& image = source->m_image;
    image.source = io::pathToUtf8(path);
    image.kind = detection.kind;
    switch (detection.kind) {
    case SourceKind::OciLayout:
        source->m_store = std::make_unique<FolderBlobStore>(path);
        readOciLayout(*source->m_store, options, image);
        break;
    case SourceKind::OciArchive:
        source->m_store = std::move(detection.archive);
        readOciLayout(*source->m_store, options, image);
        break;
    case SourceKind::DockerArchive:
        if (detection.archive)
            source->m_store = std::move(detection.archive);
        else
            source->m_store = std::make_unique<FolderBlobStore>(path);
        readDockerArchive(*source->m_store, options, image);
        break;
    case SourceKind::Layer: {
        LayerRef layer;
        layer.blobPath = image.source;
        std::error_code ec;
        layer.size = fs::file_size(path, ec);
        image.layers.push_back(std::move(layer));
        break;
    }
    case SourceKind::LayerFolder:
        readLayerFolder(path, image);
        break;
    case SourceKind::Folder:
        throw Error({image.source, {}, {}, {}},
                    "not an image source: a folder without oci-layout, manifest.json, Files/ or layerchain.json");
    case SourceKind::Disk:
        // A disk has no layers; its summary is what there is to show (issue 12 adds its file system).
        image.disk = readDiskInfo(path);
        image.notes.push_back(diskSummary(*image.disk));
        break;
    }
    return source;
}

std::string ImageSource::layerName(size_t i) const
{
    const LayerRef& layer = m_image.layers.at(i);
    if (m_store)
        return m_store->displayName(layer.blobPath);
    return layer.blobPath;
}

index::LayerScan ImageSource::scanLayer(size_t i, const index::ScanOptions& options) const
{
    if (i >= m_image.layers.size())
        throw Error({m_image.source, {}, {}, {}},
                    "no layer " + std::to_string(i) + " (the image has " + std::to_string(m_image.layers.size()) + ")");
    const LayerRef& layer = m_image.layers[i];
    switch (m_image.kind) {
    case SourceKind::Layer:
        return index::scanLayerFile(m_path, options);
    case SourceKind::LayerFolder: {
        if (!layer.present)
            throw Error({layer.blobPath, {}, {}, {}},
                        "parent layer folder of layer " + std::to_string(i)
                            + " is not here (named by layerchain.json)");
        // wcow-layer-format §2.1: Files\, Hives\ and UtilityVM\Files\ are the layer's content; VHDX files,
        // layerchain.json and *.bak are importer outputs and not part of the tree.
        index::TreeIndexBuilder builder(true);
        index::LayerScan scan;
        scan.source = io::pathToUtf8(layer.folder);
        uint64_t tarIndex = 0;
        for (const char* part : {"Files", "Hives", "UtilityVM/Files"}) {
            const fs::path folder = layer.folder / fs::u8path(part);
            std::error_code ec;
            if (!fs::is_directory(folder, ec))
                continue;
            index::FolderScanOptions folderOptions;
            folderOptions.prefix = part;
            folderOptions.hashFiles = options.hashFiles;
            folderOptions.progress = options.progress;
            const index::TreeIndex tree = index::scanFolder(folder, folderOptions);
            for (const auto& record : tree.records()) {
                index::TreeIndex::Record copy = record;
                copy.tarIndex = tarIndex++;
                builder.addFrom(tree, copy, tree.path(record.node));
                scan.counts.count(record.type);
                if (record.type == wcow::EntryType::File)
                    scan.totalBytes += record.size;
            }
        }
        scan.storedSize = scan.totalBytes;
        scan.uncompressedSize = scan.totalBytes;
        scan.index = builder.finish();
        return scan;
    }
    default:
        break;
    }
    if (!layer.present)
        throw Error({m_store->displayName(layer.blobPath), {}, {}, {}},
                    "blob " + (layer.digest.empty() ? layer.blobPath : layer.digest) + " of layer " + std::to_string(i)
                        + " is missing" + (layer.foreign ? " (a foreign layer: fetch it from its URLs)" : ""));
    return index::scanLayer(m_store->open(layer.blobPath), options);
}

std::unique_ptr<io::ByteSource> ImageSource::openLayerBlob(size_t i) const
{
    if (i >= m_image.layers.size())
        throw Error({m_image.source, {}, {}, {}},
                    "no layer " + std::to_string(i) + " (the image has " + std::to_string(m_image.layers.size()) + ")");
    const LayerRef& layer = m_image.layers[i];
    if (m_image.kind == SourceKind::Layer)
        return std::make_unique<io::FileSource>(m_path);
    if (m_image.kind == SourceKind::LayerFolder)
        throw Error({io::pathToUtf8(layer.folder), {}, {}, {}},
                    "layer " + std::to_string(i) + " is a layer folder, not a blob: its entries are files in it");
    if (!layer.present || !m_store)
        throw Error({m_store ? m_store->displayName(layer.blobPath) : layer.blobPath, {}, {}, {}},
                    "blob " + (layer.digest.empty() ? layer.blobPath : layer.digest) + " of layer " + std::to_string(i)
                        + " is missing");
    return m_store->open(layer.blobPath);
}

std::vector<std::string> ImageSource::identityProblems(size_t i, const index::LayerScan& scan) const
{
    const LayerRef& layer = m_image.layers.at(i);
    std::vector<std::string> out;
    const std::string what = "layer " + std::to_string(i) + " (" + layerName(i) + "): ";
    if (!layer.expectedStoredDigest.empty() && scan.digest != layer.expectedStoredDigest)
        out.push_back(what + "digest mismatch: the manifest names " + layer.expectedStoredDigest
                      + " but the stored bytes hash to " + scan.digest);
    if (layer.expectedStoredSize && scan.storedSize != *layer.expectedStoredSize)
        out.push_back(what + "size mismatch: the manifest says " + std::to_string(*layer.expectedStoredSize)
                      + " bytes but " + std::to_string(scan.storedSize) + " are stored");
    if (!layer.diffId.empty() && scan.diffId != layer.diffId)
        out.push_back(what + "diff_id mismatch: the config names " + layer.diffId
                      + " but the uncompressed stream hashes to " + scan.diffId);
    return out;
}

void ImageSource::record(size_t i, const index::LayerScan& scan)
{
    LayerRef& layer = m_image.layers.at(i);
    layer.counts = scan.counts;
    layer.problems.insert(layer.problems.end(), scan.problems.begin(), scan.problems.end());
    if (m_image.kind == SourceKind::LayerFolder) {
        layer.size = scan.totalBytes;
        return;
    }
    layer.uncompressedSize = scan.uncompressedSize;
    layer.compression = io::compressionName(scan.compression);
    layer.layout = wcow::layoutName(scan.layout);
    if (!layer.size)
        layer.size = scan.storedSize;
    if (layer.digest.empty())
        layer.digest = scan.digest;
    if (m_image.kind == SourceKind::Layer && layer.diffId.empty()) {
        layer.diffId = scan.diffId;
        layer.chainId = scan.diffId;
        m_image.chainIds = {scan.diffId};
        if (scan.layout != wcow::Layout::Linux)
            m_image.os = "windows";
    }
    if (layer.mediaType.empty()) {
        // What a registry would call it (Docker's names, as docker save archives and lone blobs come from Docker).
        switch (scan.compression) {
        case io::Compression::None:
            layer.mediaType = "application/vnd.docker.image.rootfs.diff.tar";
            break;
        case io::Compression::Gzip:
            layer.mediaType = "application/vnd.docker.image.rootfs.diff.tar.gzip";
            break;
        case io::Compression::Zstd:
            layer.mediaType = "application/vnd.oci.image.layer.v1.tar+zstd";
            break;
        default:
            break;
        }
    }
}

PlatformInfo parsePlatform(const std::string& text)
{
    PlatformInfo p;
    std::string rest = text;
    const size_t colon = rest.find(':');
    if (colon != std::string::npos) {
        p.osVersion = rest.substr(colon + 1);
        rest.resize(colon);
    }
    const size_t slash1 = rest.find('/');
    if (slash1 == std::string::npos || slash1 == 0 || slash1 + 1 >= rest.size())
        throw Error("platform \"" + text + "\" is not of the form os/arch[/variant][:os.version]");
    p.os = rest.substr(0, slash1);
    const std::string archPart = rest.substr(slash1 + 1);
    const size_t slash2 = archPart.find('/');
    p.architecture = archPart.substr(0, slash2);
    if (slash2 != std::string::npos)
        p.variant = archPart.substr(slash2 + 1);
    if (p.architecture.empty() || (slash2 != std::string::npos && p.variant.empty())
        || (colon != std::string::npos && p.osVersion.empty()))
        throw Error("platform \"" + text + "\" is not of the form os/arch[/variant][:os.version]");
    return p;
}

size_t selectPlatform(const std::vector<PlatformInfo>& available, const std::string& wanted, std::string& note)
{
    auto versionMatches = [](const std::string& have, const std::string& want) {
        return want.empty() || have == want || (have.starts_with(want) && have[want.size()] == '.');
    };
    if (wanted.empty()) {
        for (size_t i = 0; i < available.size(); ++i)
            if (available[i].os == "windows" && available[i].architecture == "amd64") {
                if (available.size() > 1)
                    note = "several platforms; showing " + available[i].text() + " (choose with --platform)";
                return i;
            }
        if (available.size() > 1)
            note = "no windows/amd64 manifest; showing " + available.front().text() + " (choose with --platform)";
        return 0;
    }
    const PlatformInfo want = parsePlatform(wanted);
    for (size_t i = 0; i < available.size(); ++i) {
        const PlatformInfo& p = available[i];
        if (p.os == want.os && p.architecture == want.architecture
            && (want.variant.empty() || p.variant == want.variant) && versionMatches(p.osVersion, want.osVersion))
            return i;
    }
    std::string list;
    for (const PlatformInfo& p : available)
        list += (list.empty() ? "" : ", ") + p.text();
    throw Error("no manifest for platform " + wanted + " (available: " + (list.empty() ? "none" : list) + ")");
}

} // namespace layerscope::image
