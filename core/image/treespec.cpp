// SPDX-License-Identifier: Apache-2.0
#include "image/treespec.h"

#include "common/error.h"
#include "image/imageanalysis.h"
#include "image/imagesource.h"
#include "image/sourcedetector.h"
#include "index/entrydata.h"
#include "index/folderscan.h"
#include "index/layerscan.h"
#include "index/mergedtree.h"
#include "io/filesource.h"
#if defined(LAYERSCOPE_HAVE_DISKS)
#include "disk/diskscan.h"
#endif

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

namespace layerscope::image {

namespace fs = std::filesystem;

namespace {

bool pathExists(const std::string& spec)
{
    std::error_code ec;
    return fs::exists(fs::u8path(spec), ec);
}

bool allDigits(const std::string& s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Which layer "sha256:…" (digest or diff_id, or a unique prefix of at least 12 hex digits) names.
size_t findLayer(const Image& image, const std::string& selector, const std::string& spec)
{
    constexpr size_t MinPrefix = 7 + 12;
    std::vector<size_t> matches;
    for (const LayerRef& layer : image.layers) {
        auto hit = [&](const std::string& id) {
            return !id.empty() && (id == selector || (selector.size() >= MinPrefix && id.starts_with(selector)));
        };
        if (hit(layer.digest) || hit(layer.diffId))
            matches.push_back(layer.index);
    }
    if (matches.empty())
        throw Error({spec, {}, {}, {}}, "no layer has digest or diff_id " + selector);
    if (matches.size() > 1 && !std::all_of(matches.begin(), matches.end(), [&](size_t m) { return m == matches[0]; }))
        throw Error({spec, {}, {}, {}}, selector + " matches several layers; give more digits");
    return matches.front();
}

ResolvedTree fromScan(const std::string& label, index::LayerScan scan)
{
    ResolvedTree out;
    out.label = label;
    out.digest = scan.digest;
    out.windows = scan.index.caseInsensitive() || scan.layout != wcow::Layout::Linux;
    out.tree = std::move(scan.index);
    return out;
}

// The first `maxBytes` bytes of a file on disk; empty when it cannot be read (the diff then just cannot look in).
std::vector<uint8_t> readFilePrefix(const fs::path& file, uint64_t maxBytes)
{
    std::vector<uint8_t> out;
    try {
        io::FileSource source(file);
        std::vector<uint8_t> buffer(size_t(1) << 20);
        while (out.size() < maxBytes) {
            const size_t n
                = source.read(buffer.data(), size_t(std::min<uint64_t>(buffer.size(), maxBytes - out.size())));
            if (n == 0)
                break;
            out.insert(out.end(), buffer.begin(), buffer.begin() + ptrdiff_t(n));
        }
    } catch (const Error&) {
        out.clear();
    }
    return out;
}

// ResolvedTree::readFiles for a tree read from an image source: layer `fixedLayer`, or for a merged view
// (fixedLayer < 0) the layer each record names. Blobs are read in one pass per layer, layer folders and their
// chains as plain files (wcow-layer-format §2.1).
void attachReader(ResolvedTree& out, std::shared_ptr<ImageSource> source, int fixedLayer)
{
    out.readFiles = [source, fixedLayer](const index::TreeIndex& tree, const std::vector<index::NodeId>& nodes,
                                         uint64_t maxBytes, Progress& progress) {
        std::vector<std::vector<uint8_t>> data(nodes.size());
        const Image& image = source->image();
        std::map<size_t, std::vector<size_t>> byLayer; // layer -> positions in `nodes`
        for (size_t i = 0; i < nodes.size(); ++i) {
            const index::TreeIndex::Record* r = tree.record(nodes[i]);
            if (!r || r->type != wcow::EntryType::File)
                continue;
            const size_t layer = fixedLayer >= 0 ? size_t(fixedLayer) : size_t(r->layer);
            if (layer >= image.layers.size())
                continue;
            if (source->kind() == SourceKind::LayerFolder)
                data[i] = readFilePrefix(image.layers[layer].folder / fs::u8path(tree.path(nodes[i])), maxBytes);
            else
                byLayer[layer].push_back(i);
        }
        for (const auto& [layer, positions] : byLayer) {
            std::vector<uint64_t> tarIndexes;
            for (size_t i : positions)
                tarIndexes.push_back(tree.record(nodes[i])->tarIndex);
            std::vector<std::vector<uint8_t>> read;
            try {
                read = index::readEntries(source->openLayerBlob(layer), tarIndexes, maxBytes, progress);
            } catch (const Error&) {
                continue; // a foreign layer without its blob, or an unreadable one: nothing to look into
            }
            for (size_t k = 0; k < positions.size(); ++k)
                data[positions[k]] = std::move(read[k]);
        }
        return data;
    };
}

ResolvedTree mergedOf(const std::string& spec, const std::shared_ptr<ImageSource>& source,
                      const TreeSpecOptions& options, Progress& progress)
{
    const Image& image = source->image();
    ResolvedTree out;
    out.label = spec;
    out.origin = ResolvedTree::Origin::Merged;
    out.tree = mergedView(*source, options.hashFiles, progress);
    out.windows = image.isWindows() || out.tree.caseInsensitive();
    out.digest = image.chainIds.empty() ? std::string() : image.chainIds.back();
    attachReader(out, source, -1);
    return out;
}

} // namespace

ResolvedTree resolveTree(const std::string& spec, Progress& progress)
{
    return resolveTree(spec, TreeSpecOptions(), progress);
}

ResolvedTree resolveTree(const std::string& spec, const TreeSpecOptions& options, Progress& progress)
{
    std::string sourcePath = spec;
    std::string selector;
    bool mergedAsked = false; // SOURCE@merged: for a layer folder the chain's view, not the folder's own files
    if (!pathExists(spec)) {
        const size_t at = spec.rfind('@');
        if (at == std::string::npos || at == 0)
            throw Error({spec, {}, {}, {}}, "no such file or folder");
        sourcePath = spec.substr(0, at);
        selector = spec.substr(at + 1);
        mergedAsked = selector == "merged";
        if (mergedAsked)
            selector.clear();
        else if (!allDigits(selector) && !selector.starts_with("sha256:"))
            throw Error({spec, {}, {}, {}},
                        "no such file or folder (and \"@" + selector
                            + "\" is neither a layer number, a sha256: digest nor \"merged\")");
    }
    const fs::path path = fs::u8path(sourcePath);

    index::ScanOptions scanOptions;
    scanOptions.hashFiles = options.hashFiles;
    scanOptions.progress = &progress;

    if (selector.empty()) {
        // Plain folders are not image sources; they are compared as if they were a layer's Files/.
        if (detectSource(path).kind == SourceKind::Folder) {
            index::FolderScanOptions folderOptions;
            folderOptions.prefix = "Files";
            folderOptions.hashFiles = options.hashFiles;
            folderOptions.progress = &progress;
            ResolvedTree out;
            out.label = spec;
            out.windows = true;
            out.origin = ResolvedTree::Origin::Folder;
            out.tree = index::scanFolder(path, folderOptions);
            // The tree's paths carry the "Files/" prefix the folder itself does not have.
            out.readFiles = [path](const index::TreeIndex& tree, const std::vector<index::NodeId>& nodes,
                                   uint64_t maxBytes, Progress&) {
                std::vector<std::vector<uint8_t>> data(nodes.size());
                for (size_t i = 0; i < nodes.size(); ++i) {
                    const index::TreeIndex::Record* r = tree.record(nodes[i]);
                    const std::string p = tree.path(nodes[i]);
                    if (r && r->type == wcow::EntryType::File && p.starts_with("Files/"))
                        data[i] = readFilePrefix(path / fs::u8path(p.substr(6)), maxBytes);
                }
                return data;
            };
            return out;
        }
    }

    OpenOptions openOptions;
    openOptions.platform = options.platform;
    openOptions.progress = &progress;
    std::shared_ptr<ImageSource> source = ImageSource::open(path, openOptions);
    const Image& image = source->image();

    if (selector.empty()) {
        switch (source->kind()) {
        case SourceKind::Layer: {
            ResolvedTree out = fromScan(spec, source->scanLayer(0, scanOptions));
            attachReader(out, source, 0);
            return out;
        }
        case SourceKind::LayerFolder: {
            if (mergedAsked)
                return mergedOf(spec, source, options, progress);
            // The folder itself is the top layer: its own files, not the merged chain.
            const size_t top = image.layers.size() - 1;
            ResolvedTree out = fromScan(spec, source->scanLayer(top, scanOptions));
            out.windows = true;
            out.origin = ResolvedTree::Origin::Folder;
            attachReader(out, source, int(top));
            return out;
        }
#if defined(LAYERSCOPE_HAVE_DISKS)
        case SourceKind::Disk: {
            // Every field a layer carries but no tar order; no contents (a disk's files are not read).
            index::LayerScan scan = disk::scanDisk(path, scanOptions, "Files");
            if (!scan.problems.empty())
                throw Error({spec, {}, scan.problems.front().path, {}}, scan.problems.front().message);
            ResolvedTree out;
            out.label = spec;
            out.origin = ResolvedTree::Origin::Merged;
            out.windows = true;
            out.disk = true;
            out.tree = std::move(scan.index);
            return out;
        }
#endif
        default:
            return mergedOf(spec, source, options, progress);
        }
    }

    size_t n = 0;
    if (allDigits(selector)) {
        if (selector.size() > 6 || std::stoul(selector) >= image.layers.size())
            throw Error({spec, {}, {}, {}},
                        "no layer " + selector + ": the image has " + std::to_string(image.layers.size())
                            + " layers (0 is the base)");
        n = std::stoul(selector);
    } else {
        n = findLayer(image, selector, spec);
    }
    index::LayerScan scan = source->scanLayer(n, scanOptions);
    for (const std::string& problem : source->identityProblems(n, scan))
        throw Error({source->layerName(n), {}, {}, {}}, problem);
    const LayerRef& layer = image.layers[n];
    ResolvedTree out = fromScan(spec, std::move(scan));
    if (!layer.digest.empty())
        out.digest = layer.digest;
    else if (!layer.diffId.empty())
        out.digest = layer.diffId;
    out.windows = out.windows || image.isWindows();
    if (source->kind() == SourceKind::LayerFolder)
        out.origin = ResolvedTree::Origin::Folder; // a layer of a folder chain is read from the file system
    attachReader(out, source, int(n));
    return out;
}

bool overlayWritableDisk(const ResolvedTree& lower, ResolvedTree& upper, Progress& progress)
{
    if (!upper.disk || lower.disk)
        return false;
    upper.tree = index::overlaySandbox(lower.tree, upper.tree, progress);
    upper.label += " over " + lower.label;
    // Lower's reader finds files by their layer number or path, which the view no longer keeps apart from the disk's;
    // and a disk's own files are not read (yet).
    upper.readFiles = nullptr;
    return true;
}

} // namespace layerscope::image
