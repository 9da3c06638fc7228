// SPDX-License-Identifier: Apache-2.0
#include "baselayer/imagepackager.h"

#include "baselayer/imagefiles.h"
#include "common/error.h"
#include "common/sha256.h"
#include "io/atomicfile.h"
#include "io/filesource.h"
#include "io/gzipsink.h"
#include "io/hashingsink.h"
#include "io/platformfile.h"
#include "io/zstdsink.h"
#include "tar/tarwriter.h"
#include "wcow/paxtime.h"

#include <nlohmann/json.hpp>

namespace layerscope::baselayer {

using nlohmann::json;
namespace fs = std::filesystem;

const char* formatName(OutputFormat format)
{
    switch (format) {
    case OutputFormat::Tar:
        return "tar";
    case OutputFormat::TarGz:
        return "tar.gz";
    case OutputFormat::TarZst:
        return "tar.zst";
    case OutputFormat::Oci:
        return "oci";
    case OutputFormat::DockerArchive:
        return "docker-archive";
    }
    return "tar";
}

std::optional<OutputFormat> parseFormat(std::string_view name)
{
    for (auto f :
         {OutputFormat::Tar, OutputFormat::TarGz, OutputFormat::TarZst, OutputFormat::Oci, OutputFormat::DockerArchive})
        if (name == formatName(f))
            return f;
    if (name == "tgz")
        return OutputFormat::TarGz;
    return std::nullopt;
}

std::optional<OutputFormat> formatFromExtension(const fs::path& output)
{
    const std::string name = io::pathToUtf8(output.filename());
    if (name.ends_with(".tar.gz") || name.ends_with(".tgz"))
        return OutputFormat::TarGz;
    if (name.ends_with(".tar.zst"))
        return OutputFormat::TarZst;
    if (name.ends_with(".tar"))
        return OutputFormat::Tar;
    return std::nullopt;
}

namespace {

constexpr std::string_view OciManifestType = "application/vnd.oci.image.manifest.v1+json";
constexpr std::string_view OciConfigType = "application/vnd.oci.image.config.v1+json";
constexpr std::string_view OciIndexType = "application/vnd.oci.image.index.v1+json";

struct WrittenLayer
{
    std::string digest;
    std::string diffId;
    uint64_t size = 0;
};

// Streams the tar through an optional compressor into `sink`, hashing before (diff_id) and after (digest).
WrittenLayer writeLayer(const std::function<void(io::ByteSink&)>& writeTar, io::ByteSink& sink, OutputFormat format)
{
    io::HashingSink stored(sink);
    std::unique_ptr<io::ByteSink> compressor;
    if (format == OutputFormat::TarGz || format == OutputFormat::Oci)
        compressor = std::make_unique<io::GzipSink>(stored);
    else if (format == OutputFormat::TarZst)
        compressor = std::make_unique<io::ZstdSink>(stored);
    io::HashingSink uncompressed(compressor ? *compressor : static_cast<io::ByteSink&>(stored));
    writeTar(uncompressed);
    uncompressed.finish();
    return {toDigestString(stored.digest()), toDigestString(uncompressed.digest()), stored.size()};
}

json imageConfig(const PackageOptions& options, const std::vector<LayerToPackage>& layers,
                 const std::vector<PackagedLayer>& written)
{
    const std::string created = wcow::formatRfc3339(options.created);
    json diffIds = json::array();
    json history = json::array();
    for (size_t i = 0; i < written.size(); ++i) {
        diffIds.push_back(written[i].diffId);
        history.push_back({{"created", created},
                           {"created_by", layers[i].createdBy.empty() ? options.createdBy : layers[i].createdBy}});
    }
    json config = {{"architecture", options.architecture},
                   {"os", "windows"},
                   {"created", created},
                   {"config", json::object()},
                   {"rootfs", {{"type", "layers"}, {"diff_ids", diffIds}}},
                   {"history", history}};
    if (!options.osVersion.empty())
        config["os.version"] = options.osVersion;
    return config;
}

json platform(const PackageOptions& options)
{
    json p = {{"architecture", options.architecture}, {"os", "windows"}};
    if (!options.osVersion.empty())
        p["os.version"] = options.osVersion;
    return p;
}

// Writes the OCI image layout into a hidden sibling folder, then renames it into place in one step.
PackageResult writeOciLayout(const std::vector<LayerToPackage>& layers, const fs::path& output,
                             const PackageOptions& options)
{
    const fs::path staging = io::hiddenSibling(output, ".tmp-");
    struct Cleanup
    {
        fs::path path;
        ~Cleanup()
        {
            std::error_code ec;
            if (!path.empty())
                fs::remove_all(path, ec);
        }
    } cleanup {staging};
    const fs::path blobs = staging / "blobs" / "sha256";
    fs::create_directories(blobs);

    PackageResult result;
    json layerDescriptors = json::array();
    for (const LayerToPackage& layer : layers) {
        io::AtomicFile layerFile(staging / "layer.partial", {.overwrite = true});
        const WrittenLayer written = writeLayer(layer.writeTar, layerFile, OutputFormat::Oci);
        layerFile.commit();
        // Two identical layers are one blob, named twice by the manifest.
        fs::rename(staging / "layer.partial", blobs / digestHex(written.digest));
        result.layers.push_back({written.digest, written.diffId});
        layerDescriptors.push_back({{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
                                    {"digest", written.digest},
                                    {"size", written.size}});
    }
    const std::string config = imageConfig(options, layers, result.layers).dump();
    result.configDigest = writeSmallFile(blobs / digestHex(toDigestString(Sha256::of(config))), config);
    const json manifest
        = {{"schemaVersion", 2},
           {"mediaType", OciManifestType},
           {"config", {{"mediaType", OciConfigType}, {"digest", result.configDigest}, {"size", config.size()}}},
           {"layers", layerDescriptors}};
    const std::string manifestBytes = manifest.dump();
    result.manifestDigest = writeSmallFile(blobs / digestHex(toDigestString(Sha256::of(manifestBytes))), manifestBytes);
    json descriptor = {{"mediaType", OciManifestType},
                       {"digest", result.manifestDigest},
                       {"size", manifestBytes.size()},
                       {"platform", platform(options)}};
    if (!options.tag.empty()) {
        // skopeo and containerd look images up in a layout by this annotation ("oci:DIR:TAG").
        descriptor["annotations"] = {{"org.opencontainers.image.ref.name", splitReference(options.tag).second}};
    }
    const json index = {{"schemaVersion", 2}, {"mediaType", OciIndexType}, {"manifests", json::array({descriptor})}};
    writeSmallFile(staging / "index.json", index.dump());
    writeSmallFile(staging / "oci-layout", json {{"imageLayoutVersion", "1.0.0"}}.dump());

    // Publish: an existing output (only with overwrite) is moved aside first, removed only once the new one is in.
    fs::path previous;
    if (fs::exists(output)) {
        if (!options.overwrite)
            throw Error({io::pathToUtf8(output), {}, {}, {}}, "already exists (use --force to overwrite)");
        previous = io::hiddenSibling(output, ".old-");
        fs::rename(output, previous);
    }
    fs::rename(staging, output);
    cleanup.path = previous;
    result.output = output;
    result.format = OutputFormat::Oci;
    return result;
}

// The `docker save` layout that every `docker load` understands (wcow-layer-format §4, legacy form):
// <config-hex>.json, <layer-id>/layer.tar (+ VERSION, json) per layer, manifest.json and, when tagged,
// repositories. Layer ids are chain IDs (the base's is its diff_id), so a layer repeated in the stack still gets a
// folder of its own.
PackageResult writeDockerArchive(const std::vector<LayerToPackage>& layers, const fs::path& output,
                                 const PackageOptions& options)
{
    io::AtomicFile archive(output, {.overwrite = options.overwrite});
    tar::TarWriter writer(archive);
    const int64_t mtime = options.created.seconds;
    PackageResult result;
    json layerPaths = json::array();
    std::string parentId;
    std::vector<uint8_t> buffer(size_t(1) << 20);
    for (const LayerToPackage& layer : layers) {
        // A layer goes into the archive as a member whose size its header must state first, so it is staged in a
        // temporary file (never committed, hence removed on every path out of here).
        io::AtomicFile staged(io::hiddenSibling(output, ".layer-"), {.overwrite = true});
        const WrittenLayer written = writeLayer(layer.writeTar, staged, OutputFormat::Tar);
        result.layers.push_back({written.digest, written.diffId});
        const std::string layerId = parentId.empty()
            ? digestHex(written.diffId)
            : digestHex(toDigestString(Sha256::of("sha256:" + parentId + " " + written.diffId)));

        tar::TarHeader dir;
        dir.path = layerId;
        dir.type = tar::typeflag::Directory;
        dir.mode = 0755;
        dir.mtime = mtime;
        writer.add(dir);
        addTarMember(writer, layerId + "/VERSION", "1.0", mtime);
        json layerJson = {{"id", layerId}, {"created", wcow::formatRfc3339(options.created)}, {"os", "windows"}};
        if (!parentId.empty())
            layerJson["parent"] = parentId;
        addTarMember(writer, layerId + "/json", layerJson.dump(), mtime);
        tar::TarHeader layerHeader;
        layerHeader.path = layerId + "/layer.tar";
        layerHeader.mode = 0644;
        layerHeader.size = written.size;
        layerHeader.mtime = mtime;
        writer.add(layerHeader);
        io::FileSource stagedSource(staged.temporaryPath());
        for (size_t n; (n = stagedSource.read(buffer.data(), buffer.size())) > 0;)
            writer.writeData(buffer.data(), n);
        layerPaths.push_back(layerId + "/layer.tar");
        parentId = layerId;
    }
    const std::string config = imageConfig(options, layers, result.layers).dump();
    result.configDigest = toDigestString(Sha256::of(config));
    const std::string configName = digestHex(result.configDigest) + ".json";
    addTarMember(writer, configName, config, mtime);
    json entry = {{"Config", configName}, {"Layers", layerPaths}};
    entry["RepoTags"] = options.tag.empty() ? json(nullptr) : json::array({options.tag});
    const std::string manifest = json::array({entry}).dump();
    result.manifestDigest = toDigestString(Sha256::of(manifest));
    addTarMember(writer, "manifest.json", manifest, mtime);
    if (!options.tag.empty()) {
        const auto [name, tag] = splitReference(options.tag);
        addTarMember(writer, "repositories", json {{name, {{tag, parentId}}}}.dump(), mtime);
    }
    writer.finish();
    archive.finish();
    archive.commit();
    result.output = output;
    result.format = OutputFormat::DockerArchive;
    return result;
}

} // namespace

PackageResult packageLayer(const std::function<void(io::ByteSink&)>& writeTar, const fs::path& output,
                           const PackageOptions& options)
{
    return packageImage({{writeTar, options.createdBy}}, output, options);
}

PackageResult packageImage(const std::vector<LayerToPackage>& layers, const fs::path& output,
                           const PackageOptions& options)
{
    if (layers.empty())
        throw Error({io::pathToUtf8(output), {}, {}, {}}, "nothing to package: no layers");
    PackageResult result;
    if (options.format == OutputFormat::Oci) {
        if (fs::exists(output) && !options.overwrite)
            throw Error({io::pathToUtf8(output), {}, {}, {}}, "already exists (use --force to overwrite)");
        result = writeOciLayout(layers, output, options);
    } else if (options.format == OutputFormat::DockerArchive) {
        result = writeDockerArchive(layers, output, options);
    } else {
        if (layers.size() != 1)
            throw Error({io::pathToUtf8(output), {}, {}, {}},
                        std::string("a ") + formatName(options.format) + " holds one layer, not "
                            + std::to_string(layers.size()) + " (use oci or docker-archive)");
        io::AtomicFile file(output, {.overwrite = options.overwrite});
        const WrittenLayer layer = writeLayer(layers.front().writeTar, file, options.format);
        file.commit();
        result.output = output;
        result.format = options.format;
        result.layers.push_back({layer.digest, layer.diffId});
    }
    result.digest = result.layers.back().digest;
    result.diffId = result.layers.back().diffId;
    return result;
}

} // namespace layerscope::baselayer
