// SPDX-License-Identifier: Apache-2.0
#include "image/ocilayoutreader.h"

#include "common/error.h"
#include "common/sha256.h"
#include "image/descriptor.h"
#include "image/imageconfig.h"
#include "image/jsondocument.h"

#include <set>

namespace layerscope::image {

using nlohmann::json;

std::vector<uint8_t> readVerifiedBlob(const BlobStore& store, const std::string& path, const std::string& digest,
                                      std::optional<uint64_t> size, const std::string& referrer)
{
    if (!store.exists(path))
        throw Error({store.displayName(path), {}, {}, {}},
                    "blob " + digest + " (named by " + referrer + ") is missing");
    std::vector<uint8_t> bytes = store.readAll(path);
    if (size && bytes.size() != *size)
        throw Error({store.displayName(path), {}, {}, {}},
                    "blob is " + std::to_string(bytes.size()) + " bytes but " + referrer + " says "
                        + std::to_string(*size));
    const std::string actual = toDigestString(Sha256::of(bytes));
    if (actual != digest)
        throw Error({store.displayName(path), {}, {}, {}},
                    "digest mismatch: " + referrer + " names " + digest + " but the blob hashes to " + actual);
    return bytes;
}

namespace {

constexpr int MaxIndexDepth = 4;
// Real indexes list a manifest per platform (plus attestations): a few dozen at most.
constexpr size_t MaxManifests = 1024;

struct Candidate
{
    Descriptor descriptor;
    PlatformInfo platform;
    std::string referrer; // "index.json $.manifests[0]"
};

std::string docType(const JsonDocument& doc)
{
    const json& root = doc.root();
    if (root.is_object()) {
        const auto it = root.find("mediaType");
        if (it != root.end() && it->is_string())
            return it->get<std::string>();
        if (root.contains("manifests"))
            return mediatype::OciIndex;
        if (root.contains("layers"))
            return mediatype::OciManifest;
    }
    return {};
}

// `expanded`: the nested indexes already read. Each may appear once in the whole walk: content addressing rules out
// a true cycle, but three small indexes each listing the next one 300 times would otherwise describe 27 million
// manifests.
void collect(const BlobStore& store, const JsonDocument& index, const std::string& indexName, int depth,
             std::vector<Candidate>& out, Image& image, std::set<std::string>& expanded)
{
    const json& root = index.object(index.root(), "$");
    const json& manifests = index.array(index.member(root, "$", "manifests"), "$.manifests");
    for (size_t i = 0; i < manifests.size(); ++i) {
        const std::string path = JsonDocument::elementPath("$.manifests", i);
        Descriptor d = parseDescriptor(index, manifests[i], path);
        const std::string referrer = indexName + ' ' + path;
        if (d.referenceType == "attestation-manifest"
            || (d.platform && d.platform->os == "unknown" && d.platform->architecture == "unknown"))
            continue; // BuildKit provenance/SBOM attestations, not runnable images
        std::string type = d.mediaType;
        std::optional<JsonDocument> doc;
        if (type.empty()) {
            // Old layouts left mediaType out of index.json; the blob itself says what it is.
            doc.emplace(readVerifiedBlob(store, BlobStore::blobPath(d.digest), d.digest, d.size, referrer),
                        store.displayName(BlobStore::blobPath(d.digest)));
            type = docType(*doc);
        }
        if (mediatype::isIndex(type)) {
            if (depth >= MaxIndexDepth)
                index.fail(path, "image indexes nest deeper than " + std::to_string(MaxIndexDepth) + " levels");
            if (!expanded.insert(d.digest).second)
                index.fail(path,
                           "names index " + d.digest
                               + " a second time; a nested index may appear once in the whole image");
            if (!doc)
                doc.emplace(readVerifiedBlob(store, BlobStore::blobPath(d.digest), d.digest, d.size, referrer),
                            store.displayName(BlobStore::blobPath(d.digest)));
            collect(store, *doc, "index " + d.digest, depth + 1, out, image, expanded);
        } else if (mediatype::isManifest(type)) {
            if (out.size() >= MaxManifests)
                index.fail(path, "the image lists more than " + std::to_string(MaxManifests) + " manifests");
            Candidate c;
            c.platform = d.platform.value_or(PlatformInfo());
            c.platform.digest = d.digest;
            c.platform.mediaType = type;
            c.descriptor = std::move(d);
            c.descriptor.mediaType = type;
            c.referrer = referrer;
            out.push_back(std::move(c));
        } else {
            image.notes.push_back(referrer + ": skipped an entry of unknown media type \"" + type + "\"");
        }
    }
}

} // namespace

void readOciLayout(const BlobStore& store, const OpenOptions& options, Image& image)
{
    // image-layout.md: oci-layout holds {"imageLayoutVersion": "1.0.0"}.
    {
        JsonDocument layout(store.readAll("oci-layout"), store.displayName("oci-layout"));
        const std::string version = layout.requiredString(layout.root(), "$", "imageLayoutVersion");
        if (version != "1.0.0")
            image.notes.push_back("oci-layout says imageLayoutVersion " + version + "; read as 1.0.0");
    }
    JsonDocument index(store.readAll("index.json"), store.displayName("index.json"));
    std::vector<Candidate> candidates;
    std::set<std::string> expanded;
    collect(store, index, "index.json", 0, candidates, image, expanded);
    if (candidates.empty())
        index.fail("$.manifests", "lists no image manifest");

    size_t chosen = 0;
    if (candidates.size() > 1 || !options.platform.empty()) {
        for (const Candidate& c : candidates)
            image.platforms.push_back(c.platform);
        std::string note;
        chosen = selectPlatform(image.platforms, options.platform, note);
        image.platforms[chosen].selected = true;
        if (!note.empty())
            image.notes.push_back(note);
        if (candidates.size() == 1)
            image.platforms.clear(); // one manifest: nothing to choose from, so nothing to list
    }
    const Candidate& c = candidates[chosen];

    const std::string manifestPath = BlobStore::blobPath(c.descriptor.digest);
    JsonDocument manifest(readVerifiedBlob(store, manifestPath, c.descriptor.digest, c.descriptor.size, c.referrer),
                          store.displayName(manifestPath));
    image.manifestDigest = c.descriptor.digest;
    image.manifestMediaType = c.descriptor.mediaType;
    const json& root = manifest.object(manifest.root(), "$");
    if (const json* schema = manifest.optionalMember(root, "schemaVersion");
        schema && !(schema->is_number_integer() && schema->get<int64_t>() == 2))
        manifest.fail("$.schemaVersion", "is " + schema->dump() + ", expected 2");

    const Descriptor config = parseDescriptor(manifest, manifest.member(root, "$", "config"), "$.config");
    if (!config.mediaType.empty() && !mediatype::isConfig(config.mediaType))
        manifest.fail("$.config.mediaType",
                      "\"" + config.mediaType
                          + "\" is not an image config media type (an artifact, not a container image?)");

    const json& layers = manifest.array(manifest.member(root, "$", "layers"), "$.layers");
    if (layers.size() > MaxLayers)
        manifest.fail("$.layers", tooManyLayers(layers.size()));
    for (size_t i = 0; i < layers.size(); ++i) {
        const std::string path = JsonDocument::elementPath("$.layers", i);
        Descriptor d = parseDescriptor(manifest, layers[i], path);
        if (!mediatype::isLayer(d.mediaType))
            manifest.fail(JsonDocument::memberPath(path, "mediaType"),
                          d.mediaType.empty() ? std::string("missing")
                                              : "unknown layer media type \"" + d.mediaType + "\"");
        LayerRef layer;
        layer.index = i;
        layer.digest = d.digest;
        layer.mediaType = d.mediaType;
        layer.size = d.size;
        layer.urls = d.urls;
        layer.foreign = mediatype::isForeign(d.mediaType);
        layer.blobPath = BlobStore::blobPath(d.digest);
        layer.present = store.exists(layer.blobPath);
        layer.expectedStoredDigest = d.digest;
        layer.expectedStoredSize = d.size;
        image.layers.push_back(std::move(layer));
    }

    const std::string configPath = BlobStore::blobPath(config.digest);
    JsonDocument configDoc(readVerifiedBlob(store, configPath, config.digest, config.size,
                                            "manifest " + c.descriptor.digest + " $.config"),
                           store.displayName(configPath));
    image.configDigest = config.digest;
    ImageConfig::parse(configDoc).applyTo(image, configDoc.file());
}

} // namespace layerscope::image
