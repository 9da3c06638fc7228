// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "image/blobstore.h"
#include "image/image.h"
#include "index/layerscan.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace layerscope::image {

struct OpenOptions
{
    // "os/arch[/variant][:os.version]" picks one manifest of a multi-platform index; empty = windows/amd64 when
    // listed, else the only (or first) one.
    std::string platform;
    Progress* progress = nullptr; // indexing a large archive reads all of it once
};

// An image source opened and understood: its kind (decided from content), the store its files live in, and the
// Image its index, manifest and config describe. Layer bytes are read on demand by scanLayer().
class ImageSource
{
public:
    // Detects the kind and follows index -> manifest -> config. Throws layerscope::Error for unreadable sources,
    // malformed JSON, paths leaving the source, unknown media types, missing manifests or configs, digest
    // mismatches of manifests and configs, and layerchain.json cycles. Missing layer blobs are not errors here
    // (LayerRef::present says so); reading them is.
    static std::unique_ptr<ImageSource> open(const std::filesystem::path& path, const OpenOptions& options = {});

    ~ImageSource();
    ImageSource(const ImageSource&) = delete;
    ImageSource& operator=(const ImageSource&) = delete;

    const Image& image() const { return m_image; }
    Image& image() { return m_image; }
    SourceKind kind() const { return m_image.kind; }

    // Reads layer `i` in one pass: a blob through index::scanLayer (digest, diff_id, counts, layout, tree); a layer
    // folder through index::scanFolder over its Files/, Hives/ and UtilityVM/Files/ (counts and tree; no digests).
    // Throws layerscope::Error when the layer's bytes are absent or unreadable.
    index::LayerScan scanLayer(size_t i, const index::ScanOptions& options = {}) const;

    // Opens layer `i`'s blob as stored (compressed or not) wherever it lives — a file, a blob of a layout folder,
    // or a member of an OCI or docker archive read in place — so that index::copyEntryData can read its entries.
    // Throws layerscope::Error for absent blobs and for layer folders, whose entries are plain files.
    std::unique_ptr<io::ByteSource> openLayerBlob(size_t i) const;

    // What the scan of layer `i` contradicts: the stored digest and size the manifest names and the diff_id the
    // config names. Each message names both values. Empty when everything holds.
    std::vector<std::string> identityProblems(size_t i, const index::LayerScan& scan) const;

    // Copies what a scan learnt into layer `i` (uncompressed size, compression, layout, counts, problems; digest,
    // diff_id and media type where the source named none).
    void record(size_t i, const index::LayerScan& scan);

    // The display name of layer `i`'s bytes ("image.tar@blobs/sha256/…", a file or a folder).
    std::string layerName(size_t i) const;

private:
    ImageSource() = default;

    Image m_image;
    std::filesystem::path m_path;
    std::unique_ptr<BlobStore> m_store; // null for single layers and layer folders
};

// Parses "os/arch[/variant][:os.version]"; throws layerscope::Error on anything else.
PlatformInfo parsePlatform(const std::string& text);

// The platform `wanted` picks from `available` (index into it): os and architecture equal, variant equal when
// given, os.version equal or a dotted prefix when given. Empty `wanted` prefers windows/amd64. Throws
// layerscope::Error naming the available platforms when nothing matches. `note` says why a default was taken.
size_t selectPlatform(const std::vector<PlatformInfo>& available, const std::string& wanted, std::string& note);

} // namespace layerscope::image
