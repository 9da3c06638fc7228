// SPDX-License-Identifier: Apache-2.0
#include "image/dockerarchivereader.h"

#include "common/error.h"
#include "common/sha256.h"
#include "image/descriptor.h"
#include "image/imageconfig.h"
#include "image/jsondocument.h"
#include "image/ocilayoutreader.h"

namespace layerscope::image {

using nlohmann::json;

namespace {

// "<64 hex>.json" (legacy) or "blobs/sha256/<64 hex>" (OCI-style): the name is the content's digest, so check it.
std::string digestFromName(const std::string& path)
{
    const size_t slash = path.rfind('/');
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    if (base.ends_with(".json"))
        base.resize(base.size() - 5);
    const std::string digest = "sha256:" + base;
    if (!isSha256Digest(digest))
        return {};
    if (slash != std::string::npos && path.substr(0, slash) != "blobs/sha256")
        return {};
    return digest;
}

struct Entry
{
    std::string jsonPath;
    std::string configPath;
    std::vector<std::string> layerPaths;
    std::vector<std::string> repoTags;
    const json* layerSources = nullptr;
};

Entry parseEntry(const JsonDocument& doc, size_t i)
{
    Entry e;
    e.jsonPath = JsonDocument::elementPath("$", i);
    const json& object = doc.object(doc.root()[i], e.jsonPath);
    e.configPath = BlobStore::checkedPath(doc.requiredString(object, e.jsonPath, "Config"), doc.file(),
                                          JsonDocument::memberPath(e.jsonPath, "Config"));
    e.repoTags = doc.optionalStrings(object, e.jsonPath, "RepoTags");
    const std::string layersPath = JsonDocument::memberPath(e.jsonPath, "Layers");
    const json& layers = doc.array(doc.member(object, e.jsonPath, "Layers"), layersPath);
    if (layers.size() > MaxLayers)
        doc.fail(layersPath, tooManyLayers(layers.size()));
    for (size_t k = 0; k < layers.size(); ++k) {
        const std::string path = JsonDocument::elementPath(layersPath, k);
        e.layerPaths.push_back(BlobStore::checkedPath(doc.string(layers[k], path), doc.file(), path));
    }
    e.layerSources = doc.optionalMember(object, "LayerSources");
    if (e.layerSources)
        doc.object(*e.layerSources, JsonDocument::memberPath(e.jsonPath, "LayerSources"));
    return e;
}

JsonDocument readConfig(const BlobStore& store, const Entry& e, std::string& digest)
{
    const std::string referrer = "manifest.json " + JsonDocument::memberPath(e.jsonPath, "Config");
    digest = digestFromName(e.configPath);
    if (!digest.empty())
        return JsonDocument(readVerifiedBlob(store, e.configPath, digest, std::nullopt, referrer),
                            store.displayName(e.configPath));
    if (!store.exists(e.configPath))
        throw Error({store.displayName(e.configPath), {}, {}, {}}, "config (named by " + referrer + ") is missing");
    std::vector<uint8_t> bytes = store.readAll(e.configPath);
    digest = toDigestString(Sha256::of(bytes));
    return JsonDocument(bytes, store.displayName(e.configPath));
}

} // namespace

void readDockerArchive(const BlobStore& store, const OpenOptions& options, Image& image)
{
    JsonDocument manifest(store.readAll("manifest.json"), store.displayName("manifest.json"));
    manifest.array(manifest.root(), "$");
    if (manifest.root().empty())
        manifest.fail("$", "lists no image");
    // Each image's config is read to learn its platform; real archives hold a handful of images.
    constexpr size_t MaxImages = 1024;
    if (manifest.root().size() > MaxImages)
        manifest.fail("$",
                      "lists " + std::to_string(manifest.root().size()) + " images; LayerScope reads at most "
                          + std::to_string(MaxImages));

    size_t chosen = 0;
    if (manifest.root().size() > 1 || !options.platform.empty()) {
        // Several images in one archive: their configs say which platform each is.
        for (size_t i = 0; i < manifest.root().size(); ++i) {
            const Entry e = parseEntry(manifest, i);
            std::string digest;
            const ImageConfig config = ImageConfig::parse(readConfig(store, e, digest));
            PlatformInfo p;
            p.os = config.os;
            p.architecture = config.architecture;
            p.variant = config.variant;
            p.osVersion = config.osVersion;
            p.osFeatures = config.osFeatures;
            p.digest = digest;
            p.mediaType = mediatype::DockerConfig;
            image.platforms.push_back(std::move(p));
        }
        std::string note;
        chosen = selectPlatform(image.platforms, options.platform, note);
        image.platforms[chosen].selected = true;
        if (!note.empty())
            image.notes.push_back(note);
        if (image.platforms.size() == 1)
            image.platforms.clear();
        else
            image.notes.push_back("manifest.json lists " + std::to_string(manifest.root().size()) + " images; showing "
                                  + manifest.root()[chosen].value("Config", std::string()));
    }

    const Entry e = parseEntry(manifest, chosen);
    std::string configDigest;
    const JsonDocument configDoc = readConfig(store, e, configDigest);
    const ImageConfig config = ImageConfig::parse(configDoc);
    image.configDigest = configDigest;
    image.repoTags = e.repoTags;

    if (config.diffIds.size() != e.layerPaths.size())
        throw Error({configDoc.file(), {}, {}, {}},
                    "$.rootfs.diff_ids: lists " + std::to_string(config.diffIds.size()) + " layers but manifest.json "
                        + e.jsonPath + ".Layers lists " + std::to_string(e.layerPaths.size()));

    for (size_t k = 0; k < e.layerPaths.size(); ++k) {
        LayerRef layer;
        layer.index = k;
        layer.blobPath = e.layerPaths[k];
        layer.present = store.exists(layer.blobPath);
        layer.size = store.size(layer.blobPath);
        // OCI-style archives name blobs by the digest of their stored bytes; legacy <id>/layer.tar names say nothing.
        layer.expectedStoredDigest = digestFromName(layer.blobPath);
        layer.digest = layer.expectedStoredDigest;
        const std::string& diffId = config.diffIds[k];
        if (e.layerSources) {
            const auto it = e.layerSources->find(diffId);
            if (it != e.layerSources->end()) {
                const std::string path
                    = JsonDocument::memberPath(JsonDocument::memberPath(e.jsonPath, "LayerSources"), diffId.c_str());
                const Descriptor d = parseDescriptor(manifest, *it, path);
                if (!d.mediaType.empty() && !mediatype::isLayer(d.mediaType))
                    manifest.fail(JsonDocument::memberPath(path, "mediaType"),
                                  "unknown layer media type \"" + d.mediaType + "\"");
                layer.mediaType = d.mediaType;
                layer.digest = d.digest;
                layer.urls = d.urls;
                layer.foreign = mediatype::isForeign(d.mediaType);
                if (layer.foreign || !layer.present)
                    layer.size = d.size;
                // What the archive stores is the uncompressed tar; the descriptor's size and digest are those of
                // the registry blob, which match the stored bytes only when the layer was stored uncompressed.
                if (d.digest == layer.expectedStoredDigest)
                    layer.expectedStoredSize = d.size;
            }
        }
        image.layers.push_back(std::move(layer));
    }
    config.applyTo(image, configDoc.file());
    if (store.exists("index.json") && store.exists("oci-layout"))
        image.notes.push_back("OCI-style docker archive (index.json and blobs/ beside manifest.json)");
}

} // namespace layerscope::image
