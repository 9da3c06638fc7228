// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "image/vhdxinfo.h"
#include "index/layerscan.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace layerscope::image {

// What an image source is, decided from its content (never from its name).
enum class SourceKind {
    OciLayout, // folder: oci-layout + index.json + blobs/
    OciArchive, // the same packed in a tar
    DockerArchive, // `docker save` output (legacy or OCI-style, wcow-layer-format §4), tar or extracted folder
    Layer, // one layer blob
    LayerFolder, // an on-disk Windows layer (Files/ + Hives/, UtilityVM/, *.vhdx, layerchain.json), §2.1
    Folder, // any other folder (only useful as a tree)
    Disk, // a bare VHDX or VHD virtual disk: a summary (Image::disk), no layers
};

// The most layers a source may list (manifest, manifest.json, layerchain.json). Docker's layer store refuses chains
// deeper than 125; the limit leaves room for any real image while a hostile manifest of 100,000 layers is refused
// before anything is verified or scanned 100,000 times.
inline constexpr size_t MaxLayers = 1000;
// "the image lists N layers; LayerScope reads at most MaxLayers".
std::string tooManyLayers(size_t count);

// "oci-layout", "oci-archive", "docker-archive", "layer", "layer-folder", "folder", "disk".
const char* sourceKindName(SourceKind kind);

// One platform of an image index ("manifest list").
struct PlatformInfo
{
    std::string os;
    std::string architecture;
    std::string variant;
    std::string osVersion;
    std::vector<std::string> osFeatures;
    std::string digest; // of the platform's manifest
    std::string mediaType;
    bool selected = false;

    // "os/arch[/variant][:os.version]", the form --platform takes.
    std::string text() const;
};

// One layer of the chain, base first.
struct LayerRef
{
    size_t index = 0;
    std::string digest; // descriptor digest of the stored blob; empty for layer folders
    std::string diffId; // from the config's rootfs.diff_ids
    std::string chainId;
    std::string mediaType;
    std::optional<uint64_t> size; // stored size from the descriptor (or the file's size when there is none)
    std::vector<std::string> urls;
    bool foreign = false; // foreign / non-distributable media type (wcow-layer-format §4)
    bool present = true; // whether its bytes are in the source
    std::string createdBy; // the aligned history entry
    std::string created;
    std::string comment;

    // Where the bytes are: a path inside the source's store, and what hashing them must give.
    std::string blobPath;
    std::string expectedStoredDigest; // empty when the source names nothing to check the stored bytes against
    std::optional<uint64_t> expectedStoredSize;

    // Layer folders (SourceKind::LayerFolder): the folder, what it holds besides Files/, and its parents as written.
    std::filesystem::path folder;
    std::string folderId; // the folder's name (Docker's layer id)
    std::vector<VhdxInfo> disks;
    std::vector<std::string> artifacts; // *.bak, layerchain.json, layerID, Layout, ... (names)
    std::vector<std::string> parentPaths; // layerchain.json as written, nearest first

    // Filled by reading the layer (ImageSource::scanLayer + record).
    std::optional<uint64_t> uncompressedSize;
    std::string compression;
    std::string layout; // "windows-base", "windows-delta", "linux", ...
    std::optional<index::EntryCounts> counts;
    std::vector<wcow::Problem> problems;
};

// An image source opened and its manifests followed; the layers' own bytes are read later, on demand.
struct Image
{
    std::string source;
    SourceKind kind = SourceKind::Layer;
    std::string os;
    std::string osVersion;
    std::string architecture;
    std::string variant;
    std::vector<std::string> osFeatures;
    std::string created;
    std::string author;
    std::string manifestDigest;
    std::string manifestMediaType;
    std::string configDigest;
    std::vector<std::string> repoTags;
    std::vector<PlatformInfo> platforms; // every platform an index lists (empty for single-manifest sources)
    std::vector<LayerRef> layers; // base first
    std::vector<std::string> chainIds; // per layer, from the diff_ids (OCI image-spec, config.md "ChainID")
    std::vector<std::string> notes; // things the user should know that are not errors
    std::optional<VhdxInfo> disk; // SourceKind::Disk: what the disk says about itself

    bool isWindows() const;
};

} // namespace layerscope::image
