// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "image/image.h"
#include "image/jsondocument.h"

#include <optional>
#include <string>
#include <vector>

namespace layerscope::image {

// An OCI content descriptor (image-spec descriptor.md): what a manifest or index says about a blob.
struct Descriptor
{
    std::string mediaType; // may be empty in old index.json files
    std::string digest; // validated: "sha256:" + 64 lower-case hex digits
    uint64_t size = 0;
    std::vector<std::string> urls;
    std::optional<PlatformInfo> platform;
    std::string referenceType; // annotation vnd.docker.reference.type (BuildKit marks attestations with it)
    std::string jsonPath; // where it was read, for messages
};

// Reads a descriptor object; throws layerscope::Error naming the file and JSON path when fields are missing or
// the digest is malformed or uses an algorithm we cannot check.
Descriptor parseDescriptor(const JsonDocument& doc, const nlohmann::json& value, const std::string& jsonPath);

// Throws unless `digest` is "sha256:<64 lower-case hex>": that form is all we can verify, and it is what keeps a
// digest from naming a path outside blobs/ (no '/', no "..").
void checkDigest(const std::string& digest, const std::string& file, const std::string& jsonPath);
bool isSha256Digest(const std::string& digest);

// Media types (OCI image-spec media-types.md and the Docker v2 schema 2 equivalents, wcow-layer-format §4).
namespace mediatype {
inline constexpr const char* OciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* OciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* OciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* OciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr const char* DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* DockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr const char* DockerLayer = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr const char* DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

bool isManifest(const std::string& type);
bool isIndex(const std::string& type);
bool isConfig(const std::string& type);
// Any layer type we can read: OCI tar(+gzip|+zstd), non-distributable variants, Docker diff and foreign types.
bool isLayer(const std::string& type);
// Foreign / non-distributable: blobs a registry need not hold; listed with their URLs when absent (§4).
bool isForeign(const std::string& type);
} // namespace mediatype

} // namespace layerscope::image
