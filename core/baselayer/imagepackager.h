// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "wcow/windowsentry.h"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace layerscope::io {
class ByteSink;
}

namespace layerscope::baselayer {

enum class OutputFormat { Tar, TarGz, TarZst, Oci, DockerArchive };

// "tar", "tar.gz", "tar.zst", "oci", "docker-archive".
const char* formatName(OutputFormat format);
std::optional<OutputFormat> parseFormat(std::string_view name);
// From the output name: .tar, .tar.gz/.tgz, .tar.zst; nullopt when the extension says nothing.
std::optional<OutputFormat> formatFromExtension(const std::filesystem::path& output);

struct PackageOptions
{
    OutputFormat format = OutputFormat::TarGz;
    std::string architecture = "amd64";
    std::string osVersion; // empty matches any Windows host in containerd (wcow-layer-format §4)
    std::string tag; // image reference for docker archives / OCI org.opencontainers.image.ref.name
    std::string createdBy = "layerscope make-base";
    wcow::PaxTime created {1704067200, 0};
    bool overwrite = false;
    Progress* progress = nullptr;
};

struct PackagedLayer
{
    std::string digest; // the layer blob as stored
    std::string diffId; // the uncompressed layer tar
};

struct PackageResult
{
    std::filesystem::path output;
    OutputFormat format = OutputFormat::Tar;
    std::string digest; // the top layer's blob as stored
    std::string diffId; // the top layer's uncompressed tar
    std::string configDigest; // image formats only
    std::string manifestDigest; // image formats only (the image digest)
    std::vector<PackagedLayer> layers; // every layer, base first
};

// One layer of an image to package: `writeTar` streams a complete tar into the sink it is given; `createdBy` is
// its history entry (empty: PackageOptions::createdBy).
struct LayerToPackage
{
    std::function<void(io::ByteSink&)> writeTar;
    std::string createdBy;
};

// Writes one layer — produced by `writeTar`, which streams a complete tar into the sink it is given — as the
// requested format, hashing as it goes. A single layer tar or an image (OCI image layout folder or `docker
// load`-able archive) with a Windows image config: os windows, architecture, os.version, rootfs.diff_ids and one
// history entry. Output appears atomically under its final name; an existing one is replaced only with
// options.overwrite. Deterministic: the same layer and options give the same bytes and digests.
PackageResult packageLayer(const std::function<void(io::ByteSink&)>& writeTar, const std::filesystem::path& output,
                           const PackageOptions& options);

// The same for a stack of layers, base first, as one image: an OCI layout or a docker archive whose config lists
// every diff_id and one history entry per layer. Tar formats hold one layer only: more throw layerscope::Error.
PackageResult packageImage(const std::vector<LayerToPackage>& layers, const std::filesystem::path& output,
                           const PackageOptions& options);

} // namespace layerscope::baselayer
