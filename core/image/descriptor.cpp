// SPDX-License-Identifier: Apache-2.0
#include "image/descriptor.h"

#include "common/error.h"

namespace layerscope::image {

using nlohmann::json;

bool isSha256Digest(const std::string& digest)
{
    constexpr std::string_view prefix = "sha256:";
    if (digest.size() != prefix.size() + 64 || !digest.starts_with(prefix))
        return false;
    for (size_t i = prefix.size(); i < digest.size(); ++i) {
        const char c = digest[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

void checkDigest(const std::string& digest, const std::string& file, const std::string& jsonPath)
{
    if (isSha256Digest(digest))
        return;
    const size_t colon = digest.find(':');
    const std::string algorithm = colon == std::string::npos ? std::string() : digest.substr(0, colon);
    if (!algorithm.empty() && algorithm != "sha256" && algorithm.find_first_of("/\\.") == std::string::npos)
        throw Error({file, {}, {}, {}},
                    jsonPath + ": digest \"" + digest + "\" uses algorithm \"" + algorithm
                        + "\"; only sha256 can be verified");
    throw Error({file, {}, {}, {}},
                jsonPath + ": malformed digest \"" + digest + "\" (expected sha256: and 64 lower-case hex digits)");
}

Descriptor parseDescriptor(const JsonDocument& doc, const json& value, const std::string& jsonPath)
{
    doc.object(value, jsonPath);
    Descriptor d;
    d.jsonPath = jsonPath;
    d.mediaType = doc.optionalString(value, jsonPath, "mediaType").value_or(std::string());
    d.digest = doc.requiredString(value, jsonPath, "digest");
    checkDigest(d.digest, doc.file(), JsonDocument::memberPath(jsonPath, "digest"));
    d.size = doc.unsignedNumber(doc.member(value, jsonPath, "size"), JsonDocument::memberPath(jsonPath, "size"));
    d.urls = doc.optionalStrings(value, jsonPath, "urls");
    if (const json* platform = doc.optionalMember(value, "platform")) {
        const std::string path = JsonDocument::memberPath(jsonPath, "platform");
        doc.object(*platform, path);
        PlatformInfo p;
        p.os = doc.optionalString(*platform, path, "os").value_or(std::string());
        p.architecture = doc.optionalString(*platform, path, "architecture").value_or(std::string());
        p.variant = doc.optionalString(*platform, path, "variant").value_or(std::string());
        p.osVersion = doc.optionalString(*platform, path, "os.version").value_or(std::string());
        p.osFeatures = doc.optionalStrings(*platform, path, "os.features");
        p.digest = d.digest;
        p.mediaType = d.mediaType;
        d.platform = std::move(p);
    }
    if (const json* annotations = doc.optionalMember(value, "annotations"); annotations && annotations->is_object()) {
        const auto it = annotations->find("vnd.docker.reference.type");
        if (it != annotations->end() && it->is_string())
            d.referenceType = it->get<std::string>();
    }
    return d;
}

namespace mediatype {

bool isManifest(const std::string& type)
{
    return type == OciManifest || type == DockerManifest;
}

bool isIndex(const std::string& type)
{
    return type == OciIndex || type == DockerManifestList;
}

bool isConfig(const std::string& type)
{
    return type == OciConfig || type == DockerConfig;
}

bool isLayer(const std::string& type)
{
    static const char* const known[] = {
        "application/vnd.oci.image.layer.v1.tar",
        "application/vnd.oci.image.layer.v1.tar+gzip",
        "application/vnd.oci.image.layer.v1.tar+zstd",
        "application/vnd.oci.image.layer.nondistributable.v1.tar",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
        "application/vnd.docker.image.rootfs.diff.tar",
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
        "application/vnd.docker.image.rootfs.diff.tar.zstd",
        "application/vnd.docker.image.rootfs.foreign.diff.tar",
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    };
    for (const char* k : known)
        if (type == k)
            return true;
    return false;
}

bool isForeign(const std::string& type)
{
    // containerd treats both prefixes as non-distributable (wcow-layer-format §4).
    return type.starts_with("application/vnd.docker.image.rootfs.foreign.")
        || type.starts_with("application/vnd.oci.image.layer.nondistributable.");
}

} // namespace mediatype

} // namespace layerscope::image
