// SPDX-License-Identifier: Apache-2.0
#include "scratch/imageappender.h"

#include "baselayer/imagefiles.h"
#include "common/error.h"
#include "common/sha256.h"
#include "image/blobstore.h"
#include "image/descriptor.h"
#include "image/imagesource.h"
#include "io/atomicfile.h"
#include "io/compression.h"
#include "io/decompressingsource.h"
#include "io/filesource.h"
#include "io/hashingsink.h"
#include "io/platformfile.h"
#include "scratch/chainblobs.h"
#include "scratch/safefolder.h"
#include "tar/tarwriter.h"
#include "wcow/paxtime.h"

#include <nlohmann/json.hpp>

namespace layerscope::scratch {

using nlohmann::json;
namespace fs = std::filesystem;
using baselayer::OutputFormat;

namespace {

constexpr const char* OciManifestType = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* OciConfigType = "application/vnd.oci.image.config.v1+json";
constexpr const char* OciIndexType = "application/vnd.oci.image.index.v1+json";

// Copies a source into a sink, hashing what is read; reports progress in bytes read.
struct Copied
{
    std::string digest;
    uint64_t size = 0;
};

class Copier
{
public:
    Copier(Progress& progress, uint64_t total)
        : m_progress(progress)
        , m_total(total)
        , m_buffer(size_t(1) << 20)
    { }

    Copied copy(io::ByteSource& source, io::ByteSink& sink)
    {
        io::HashingSink hashing(sink);
        const uint64_t start = source.storedPosition();
        uint64_t last = start;
        for (size_t n; (n = source.read(m_buffer.data(), m_buffer.size())) > 0;) {
            hashing.write(m_buffer.data(), n);
            m_done += source.storedPosition() - last;
            last = source.storedPosition();
            m_progress.advance(m_done, m_total);
            m_progress.checkCancelled();
        }
        hashing.finish();
        return {toDigestString(hashing.digest()), hashing.size()};
    }

    // Moves a file into place instead of copying it (same volume) and counts it as copied; returns its size.
    uint64_t move(const fs::path& from, const fs::path& to)
    {
        const uint64_t size = fs::file_size(from);
        fs::rename(from, to);
        m_done += size;
        m_progress.advance(m_done, m_total);
        return size;
    }

    // The diff_id of a stored blob (any compression): one pass that only hashes.
    std::string diffIdOf(std::unique_ptr<io::ByteSource> stored)
    {
        auto source = io::openDecompressed(std::move(stored));
        io::HashingSink hashing;
        for (size_t n; (n = source->read(m_buffer.data(), m_buffer.size())) > 0;) {
            hashing.write(m_buffer.data(), n);
            m_progress.checkCancelled();
        }
        hashing.finish();
        return toDigestString(hashing.digest());
    }

private:
    Progress& m_progress;
    uint64_t m_total;
    uint64_t m_done = 0;
    std::vector<uint8_t> m_buffer;
};

io::Compression compressionOf(io::ByteSource& source, std::vector<uint8_t>& head)
{
    head.resize(io::CompressionMagicSize);
    size_t got = 0;
    while (got < head.size()) {
        const size_t n = source.read(head.data() + got, head.size() - got);
        if (n == 0)
            break;
        got += n;
    }
    head.resize(got);
    return io::detectCompression(head);
}

// A source that first replays bytes already read (the compression magic), then continues with the rest.
class PrefixedSource final : public io::ByteSource
{
public:
    PrefixedSource(std::vector<uint8_t> head, std::unique_ptr<io::ByteSource> rest)
        : m_head(std::move(head))
        , m_rest(std::move(rest))
    { }
    size_t read(void* buffer, size_t size) override
    {
        if (m_offset < m_head.size()) {
            const size_t n = std::min(size, m_head.size() - m_offset);
            std::copy_n(m_head.data() + m_offset, n, static_cast<uint8_t*>(buffer));
            m_offset += n;
            return n;
        }
        return m_rest->read(buffer, size);
    }
    uint64_t storedPosition() const override { return m_rest->storedPosition() - (m_head.size() - m_offset); }
    uint64_t storedSize() const override { return m_rest->storedSize(); }
    const std::string& name() const override { return m_rest->name(); }

private:
    std::vector<uint8_t> m_head;
    size_t m_offset = 0;
    std::unique_ptr<io::ByteSource> m_rest;
};

const char* ociLayerType(io::Compression compression, bool foreign)
{
    if (foreign)
        return compression == io::Compression::Gzip ? "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
            : compression == io::Compression::Zstd  ? "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"
                                                    : "application/vnd.oci.image.layer.nondistributable.v1.tar";
    return compression == io::Compression::Gzip ? "application/vnd.oci.image.layer.v1.tar+gzip"
        : compression == io::Compression::Zstd  ? "application/vnd.oci.image.layer.v1.tar+zstd"
                                                : image::mediatype::OciLayer;
}

// The OCI media type of an absent foreign layer, from what its descriptor said.
std::string foreignOciType(const std::string& type)
{
    if (type.starts_with("application/vnd.oci."))
        return type;
    if (type.ends_with("gzip"))
        return "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    return "application/vnd.oci.image.layer.nondistributable.v1.tar";
}

// The parent's config, byte for byte, so that every field we do not touch survives.
json readParentConfig(const image::Image& img, const ChainBlobs& blobs, const fs::path& parent)
{
    const image::BlobStore* store = blobs.store();
    if (!store) {
        // A single layer blob has no config: make the minimal Windows one (wcow-layer-format §4).
        return json {{"architecture", "amd64"},
                     {"os", "windows"},
                     {"config", json::object()},
                     {"rootfs", {{"type", "layers"}, {"diff_ids", json::array()}}},
                     {"history", json::array()}};
    }
    std::string path;
    if (img.kind != image::SourceKind::DockerArchive) {
        path = image::BlobStore::blobPath(img.configDigest);
    } else {
        // docker save names the config in manifest.json; pick the entry whose layers are this image's.
        const auto bytes = store->readAll("manifest.json");
        const json manifest = json::parse(bytes.begin(), bytes.end(), nullptr, false);
        if (!manifest.is_array())
            throw Error({store->displayName("manifest.json"), {}, {}, {}}, "not a JSON array");
        for (const json& entry : manifest) {
            if (!entry.is_object() || !entry.contains("Config") || !entry.contains("Layers"))
                continue;
            const json& layers = entry["Layers"];
            bool same = layers.is_array() && layers.size() == img.layers.size();
            for (size_t i = 0; same && i < img.layers.size(); ++i)
                same = layers[i].is_string()
                    && image::BlobStore::checkedPath(layers[i].get<std::string>(), "manifest.json", "Layers")
                        == img.layers[i].blobPath;
            if (same) {
                path = image::BlobStore::checkedPath(entry["Config"].get<std::string>(), "manifest.json", "Config");
                break;
            }
        }
        if (path.empty())
            throw Error({io::pathToUtf8(parent), {}, {}, {}}, "cannot find the image's config in manifest.json");
    }
    const auto bytes = store->readAll(path);
    if (!img.configDigest.empty() && toDigestString(Sha256::of(bytes)) != img.configDigest)
        throw Error({store->displayName(path), {}, {}, {}}, "config digest does not match " + img.configDigest);
    json config = json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (!config.is_object())
        throw Error({store->displayName(path), {}, {}, {}}, "config is not a JSON object");
    return config;
}

// Cuts diff_ids and history to the kept layers, adds the new one and, for a squash, the upper layers again (OCI
// image-spec config.md: history entries with empty_layer made no layer, so they are counted out). `keep` layers
// stay below the new one; `upperFrom`, when set, is the first parent layer that goes back on top of it.
void extendConfig(json& config, const std::vector<std::string>& diffIds, const AppendOptions& options, size_t keep,
                  std::optional<size_t> upperFrom, size_t parentLayers)
{
    const std::string created = wcow::formatRfc3339(options.created);
    config["created"] = created;
    if (!config.contains("rootfs") || !config["rootfs"].is_object())
        config["rootfs"] = json::object();
    config["rootfs"]["type"] = "layers";
    config["rootfs"]["diff_ids"] = diffIds;
    json lowerPart = json::array();
    json upperPart = json::array();
    size_t layers = 0; // non-empty entries seen so far: the layer the next one makes
    size_t upperSeen = 0;
    if (config.contains("history") && config["history"].is_array()) {
        for (const json& h : config["history"]) {
            const bool empty = h.is_object() && h.value("empty_layer", false);
            if (!empty) {
                if (layers < keep)
                    lowerPart.push_back(h);
                else if (upperFrom && layers >= *upperFrom) {
                    upperPart.push_back(h);
                    ++upperSeen;
                }
                ++layers;
            } else if (layers <= keep) {
                lowerPart.push_back(h); // what followed the last kept layer, before the next one
            } else if (upperFrom && layers > *upperFrom) {
                upperPart.push_back(h);
            }
        }
    }
    // A parent without history for some layers: pad, so that history and diff_ids stay aligned.
    for (size_t n = std::min(layers, keep); n < keep; ++n)
        lowerPart.push_back({{"created_by", "(no history in the parent image)"}});
    json history = lowerPart;
    json entry = {{"created", created}, {"created_by", options.createdBy}};
    if (!options.comment.empty())
        entry["comment"] = options.comment;
    history.push_back(entry);
    if (upperFrom) {
        const size_t upper = parentLayers - std::min(parentLayers, *upperFrom);
        // Missing entries belong to the lowest upper layers: history is written base first.
        for (size_t n = upperSeen; n < upper; ++n)
            history.push_back({{"created_by", "(no history in the parent image)"}});
        for (const json& h : upperPart)
            history.push_back(h);
    }
    config["history"] = history;
}

struct Staging
{
    fs::path path;
    ~Staging()
    {
        std::error_code ec;
        if (!path.empty())
            fs::remove_all(path, ec);
    }
};

} // namespace

AppendResult appendLayer(const fs::path& parentImage, const fs::path& layerBlob, const fs::path& output,
                         const AppendOptions& options)
{
    if (options.format != OutputFormat::Oci && options.format != OutputFormat::DockerArchive)
        throw Error({io::pathToUtf8(output), {}, {}, {}}, "an image is written as oci or docker-archive");
    std::error_code ec;
    if (fs::exists(fs::symlink_status(output, ec)) && !options.overwrite)
        throw Error({io::pathToUtf8(output), {}, {}, {}}, "already exists (use --force to overwrite)");
    Progress& progress = options.progress ? *options.progress : Progress::none();

    auto source = image::ImageSource::open(parentImage, {options.platform, options.progress});
    const image::Image& img = source->image();
    const ChainBlobs blobs(parentImage, img, progress);
    const size_t keep = options.keepLayers.value_or(img.layers.size());
    if (keep > img.layers.size())
        throw Error({io::pathToUtf8(parentImage), {}, {}, {}},
                    "has " + std::to_string(img.layers.size()) + " layers; cannot keep " + std::to_string(keep));
    const size_t upperFrom = options.upperFrom.value_or(img.layers.size());
    if (upperFrom < keep || upperFrom > img.layers.size())
        throw Error({io::pathToUtf8(parentImage), {}, {}, {}},
                    "has " + std::to_string(img.layers.size()) + " layers; cannot put layers "
                        + std::to_string(upperFrom) + ".. back above " + std::to_string(keep) + " kept ones");

    uint64_t total = 0;
    for (size_t i = 0; i < keep; ++i)
        total += img.layers[i].size.value_or(0);
    for (size_t i = upperFrom; i < img.layers.size(); ++i)
        total += img.layers[i].size.value_or(0);
    total += fs::file_size(layerBlob);
    Copier copier(progress, total);

    json config = readParentConfig(img, blobs, parentImage);
    std::vector<std::string> diffIds;
    for (size_t i = 0; i < keep; ++i) {
        std::string d = img.layers[i].diffId;
        if (d.empty()) // a single layer blob names none
            d = copier.diffIdOf(blobs.openLayer(i));
        diffIds.push_back(d);
    }
    const std::string newDiffId = options.layerDiffId.empty()
        ? copier.diffIdOf(std::make_unique<io::FileSource>(layerBlob))
        : options.layerDiffId;
    diffIds.push_back(newDiffId);
    for (size_t i = upperFrom; i < img.layers.size(); ++i) {
        std::string d = img.layers[i].diffId;
        if (d.empty())
            d = copier.diffIdOf(blobs.openLayer(i));
        diffIds.push_back(d);
    }
    extendConfig(config, diffIds, options, keep, options.upperFrom, img.layers.size());
    const std::string configBytes = config.dump();
    const std::string configDigest = toDigestString(Sha256::of(configBytes));

    AppendResult result;
    result.output = output;
    result.format = options.format;
    result.layers = diffIds.size();
    result.diffId = newDiffId;
    result.configDigest = configDigest;

    Staging staging {io::hiddenSibling(output, ".tmp-")};

    if (options.format == OutputFormat::Oci) {
        const fs::path blobDir = staging.path / "blobs" / "sha256";
        fs::create_directories(blobDir);
        json layers = json::array();
        auto copyBlob = [&](std::unique_ptr<io::ByteSource> raw, bool foreign, const std::vector<std::string>& urls,
                            const std::string& expected) {
            std::vector<uint8_t> head;
            const io::Compression compression = compressionOf(*raw, head);
            const bool verbatim = compression == io::Compression::None || compression == io::Compression::Gzip
                || compression == io::Compression::Zstd;
            std::unique_ptr<io::ByteSource> data = std::make_unique<PrefixedSource>(std::move(head), std::move(raw));
            if (!verbatim) // xz, bzip2: OCI names no media type for them, so the layer goes in uncompressed
                data = io::openDecompressed(std::move(data));
            const fs::path partial = staging.path / "blob.partial";
            Copied copied;
            {
                io::AtomicFile file(partial, {.overwrite = true});
                copied = copier.copy(*data, file);
                file.commit();
            }
            if (verbatim && !expected.empty() && copied.digest != expected)
                throw Error({data->name(), {}, {}, {}},
                            "digest mismatch while copying: the manifest names " + expected + ", the bytes hash to "
                                + copied.digest);
            fs::rename(partial, blobDir / digestHex(copied.digest));
            json d = {{"mediaType", ociLayerType(verbatim ? compression : io::Compression::None, foreign)},
                      {"digest", copied.digest},
                      {"size", copied.size}};
            if (!urls.empty())
                d["urls"] = urls;
            layers.push_back(d);
            return copied.digest;
        };
        auto copyParentLayer = [&](size_t i) {
            const image::LayerRef& layer = img.layers[i];
            if (!layer.present) {
                if (!layer.foreign || layer.digest.empty())
                    blobs.openLayer(i); // throws the "not in the source" error
                json d = {{"mediaType", foreignOciType(layer.mediaType)},
                          {"digest", layer.digest},
                          {"size", layer.size.value_or(0)}};
                if (!layer.urls.empty())
                    d["urls"] = layer.urls;
                layers.push_back(d);
                return;
            }
            copyBlob(blobs.openLayer(i), layer.foreign, layer.urls, layer.expectedStoredDigest);
        };
        // The new layer, moved in when the caller lets us and its compression is one OCI names.
        auto addNewLayer = [&]() -> std::string {
            if (!options.movableLayerDigest.empty()) {
                std::vector<uint8_t> head;
                io::Compression compression;
                {
                    io::FileSource blob(layerBlob);
                    compression = compressionOf(blob, head);
                }
                if (compression == io::Compression::None || compression == io::Compression::Gzip
                    || compression == io::Compression::Zstd) {
                    const uint64_t size = copier.move(layerBlob, blobDir / digestHex(options.movableLayerDigest));
                    layers.push_back({{"mediaType", ociLayerType(compression, false)},
                                      {"digest", options.movableLayerDigest},
                                      {"size", size}});
                    return options.movableLayerDigest;
                }
            }
            return copyBlob(std::make_unique<io::FileSource>(layerBlob), false, {}, {});
        };
        for (size_t i = 0; i < keep; ++i)
            copyParentLayer(i);
        result.layerDigest = addNewLayer();
        for (size_t i = upperFrom; i < img.layers.size(); ++i)
            copyParentLayer(i);

        baselayer::writeSmallFile(blobDir / digestHex(configDigest), configBytes);
        const json manifest
            = {{"schemaVersion", 2},
               {"mediaType", OciManifestType},
               {"config", {{"mediaType", OciConfigType}, {"digest", configDigest}, {"size", configBytes.size()}}},
               {"layers", layers}};
        const std::string manifestBytes = manifest.dump();
        result.manifestDigest
            = baselayer::writeSmallFile(blobDir / digestHex(toDigestString(Sha256::of(manifestBytes))), manifestBytes);
        json platform = {{"architecture", config.value("architecture", std::string("amd64"))},
                         {"os", config.value("os", std::string("windows"))}};
        if (config.contains("os.version") && config["os.version"].is_string())
            platform["os.version"] = config["os.version"];
        json descriptor = {{"mediaType", OciManifestType},
                           {"digest", result.manifestDigest},
                           {"size", manifestBytes.size()},
                           {"platform", platform}};
        if (!options.tag.empty())
            descriptor["annotations"]
                = {{"org.opencontainers.image.ref.name", baselayer::splitReference(options.tag).second}};
        baselayer::writeSmallFile(
            staging.path / "index.json",
            json {{"schemaVersion", 2}, {"mediaType", OciIndexType}, {"manifests", json::array({descriptor})}}.dump());
        baselayer::writeSmallFile(staging.path / "oci-layout", json {{"imageLayoutVersion", "1.0.0"}}.dump());

        // Publish: an existing output (only with overwrite) is moved aside, removed once the new one is in.
        fs::path previous;
        if (fs::exists(fs::symlink_status(output, ec))) {
            if (!options.overwrite)
                throw Error({io::pathToUtf8(output), {}, {}, {}}, "already exists (use --force to overwrite)");
            previous = io::hiddenSibling(output, ".old-");
            fs::rename(output, previous);
        }
        if (!SafeFolder::renameNoReplace(staging.path, output))
            throw Error({io::pathToUtf8(output), {}, {}, {}}, "already exists (use --force to overwrite)");
        staging.path = previous;
        return result;
    }

    // docker-archive, legacy `docker save` layout (wcow-layer-format §4): every layer as <id>/layer.tar,
    // uncompressed, so that its file digest is its diff_id. Each is staged first, since a tar member's header must
    // state its size.
    fs::create_directories(staging.path);
    std::vector<fs::path> staged;
    std::vector<uint64_t> sizes;
    auto stage = [&](std::unique_ptr<io::ByteSource> raw, const std::string& expectedDiffId) {
        auto data = io::openDecompressed(std::move(raw));
        const fs::path path = staging.path / ("layer" + std::to_string(staged.size()) + ".tar");
        io::AtomicFile file(path, {.overwrite = true});
        const Copied copied = copier.copy(*data, file);
        file.commit();
        if (!expectedDiffId.empty() && copied.digest != expectedDiffId)
            throw Error({data->name(), {}, {}, {}},
                        "diff_id mismatch while copying: the config names " + expectedDiffId + ", the tar hashes to "
                            + copied.digest);
        staged.push_back(path);
        sizes.push_back(copied.size);
        return copied.digest;
    };
    // The new layer, moved in when the caller lets us and it is a plain tar (its file digest is then its diff_id).
    auto stageNewLayer = [&]() -> std::string {
        if (options.movableLayerDigest.empty() || options.movableLayerDigest != newDiffId)
            return stage(std::make_unique<io::FileSource>(layerBlob), newDiffId);
        const fs::path path = staging.path / ("layer" + std::to_string(staged.size()) + ".tar");
        sizes.push_back(copier.move(layerBlob, path));
        staged.push_back(path);
        return newDiffId;
    };
    for (size_t i = 0; i < keep; ++i)
        stage(blobs.openLayer(i), diffIds[i]);
    result.layerDigest = stageNewLayer();
    for (size_t i = upperFrom; i < img.layers.size(); ++i)
        stage(blobs.openLayer(i), diffIds[keep + 1 + (i - upperFrom)]);

    io::AtomicFile archive(output, {.overwrite = options.overwrite});
    tar::TarWriter writer(archive);
    const int64_t mtime = options.created.seconds;
    json layerNames = json::array();
    std::vector<uint8_t> buffer(size_t(1) << 20);
    for (size_t i = 0; i < staged.size(); ++i) {
        // Layer ids must be distinct folder names even when a layer repeats.
        std::string id = digestHex(diffIds[i]);
        for (size_t j = 0; j < i; ++j)
            if (digestHex(diffIds[j]) == digestHex(diffIds[i]))
                id = digestHex(toDigestString(Sha256::of(diffIds[i] + " " + std::to_string(i))));
        tar::TarHeader dir;
        dir.path = id;
        dir.type = tar::typeflag::Directory;
        dir.mode = 0755;
        dir.mtime = mtime;
        writer.add(dir);
        baselayer::addTarMember(writer, id + "/VERSION", "1.0", mtime);
        baselayer::addTarMember(writer, id + "/json",
                                json {{"id", id}, {"os", config.value("os", std::string("windows"))}}.dump(), mtime);
        tar::TarHeader layerHeader;
        layerHeader.path = id + "/layer.tar";
        layerHeader.mode = 0644;
        layerHeader.size = sizes[i];
        layerHeader.mtime = mtime;
        writer.add(layerHeader);
        io::FileSource stagedSource(staged[i]);
        for (size_t n; (n = stagedSource.read(buffer.data(), buffer.size())) > 0;) {
            writer.writeData(buffer.data(), n);
            progress.checkCancelled();
        }
        layerNames.push_back(id + "/layer.tar");
    }
    const std::string configName = digestHex(configDigest) + ".json";
    baselayer::addTarMember(writer, configName, configBytes, mtime);
    json entry = {{"Config", configName}, {"Layers", layerNames}};
    entry["RepoTags"] = options.tag.empty() ? json(nullptr) : json::array({options.tag});
    const std::string manifest = json::array({entry}).dump();
    result.manifestDigest = toDigestString(Sha256::of(manifest));
    baselayer::addTarMember(writer, "manifest.json", manifest, mtime);
    if (!options.tag.empty()) {
        const auto [name, tag] = baselayer::splitReference(options.tag);
        baselayer::addTarMember(writer, "repositories", json {{name, {{tag, digestHex(diffIds.back())}}}}.dump(),
                                mtime);
    }
    writer.finish();
    archive.finish();
    archive.commit();
    return result;
}

} // namespace layerscope::scratch
