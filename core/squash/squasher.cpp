// SPDX-License-Identifier: Apache-2.0
#include "squash/squasher.h"

#include "common/error.h"
#include "image/imagesource.h"
#include "index/layerscan.h"
#include "io/atomicfile.h"
#include "io/platformfile.h"
#include "scratch/imageappender.h"
#include "squash/squashlayerwriter.h"
#include "squash/squashplan.h"

namespace layerscope::squash {

namespace fs = std::filesystem;
using baselayer::OutputFormat;

namespace {

struct RemoveOnExit
{
    fs::path path;
    ~RemoveOnExit() { io::PlatformFile::removeQuietly(path); }
};

} // namespace

SquashResult squashImage(const fs::path& sourcePath, const fs::path& output, const SquashOptions& options)
{
    Progress& progress = options.progress ? *options.progress : Progress::none();
    const std::string sourceName = io::pathToUtf8(sourcePath);
    std::error_code ec;
    if (fs::exists(fs::symlink_status(output, ec)) && !options.overwrite)
        throw Error({io::pathToUtf8(output), {}, {}, {}}, "already exists (use --force to overwrite)");

    auto source = image::ImageSource::open(sourcePath, {options.platform, options.progress});
    const image::Image& img = source->image();
    if (source->kind() == image::SourceKind::LayerFolder)
        throw Error({sourceName, {}, {}, {}}, "layer folders cannot be squashed yet: export the chain as an image");
    const size_t count = img.layers.size();
    const size_t first = options.first.value_or(1);
    const size_t last = options.last.value_or(count == 0 ? 0 : count - 1);
    if (count < 2 && !options.first)
        throw Error({sourceName, {}, {}, {}},
                    "has " + std::to_string(count) + " layer" + (count == 1 ? "" : "s")
                        + ": nothing above the base to squash");
    if (first > last || last >= count)
        throw Error({sourceName, {}, {}, {}},
                    "no layers " + std::to_string(first) + ".." + std::to_string(last) + " (the image has "
                        + std::to_string(count) + ", numbered 0.." + std::to_string(count - 1) + ")");
    for (size_t k = first; k <= last; ++k)
        if (!img.layers[k].present)
            throw Error({sourceName, {}, {}, {}},
                        "layer " + std::to_string(k) + (img.layers[k].foreign ? " is a foreign layer" : " is")
                            + " not in the source (" + img.layers[k].digest
                            + "): a squash needs the bytes of every layer it replaces; squash the layers above it ("
                            + std::to_string(k + 1) + ".." + std::to_string(last) + ") instead");

    // A docker archive holds every layer (scratch::appendLayer would refuse it only after all the work).
    if (options.format == OutputFormat::DockerArchive)
        for (size_t k = 0; k < count; ++k)
            if (!img.layers[k].present)
                throw Error({sourceName, {}, {}, {}},
                            "layer " + std::to_string(k) + " (" + img.layers[k].digest
                                + ") is not in the source, and a docker archive must hold every layer: write "
                                  "--format oci, which keeps it as a reference");

    // The trees of layers 0..last: the range and what lies below it (for the whiteouts).
    std::vector<index::TreeIndex> trees(last + 1);
    std::vector<const index::TreeIndex*> pointers(last + 1, nullptr);
    for (size_t k = 0; k <= last; ++k) {
        if (!img.layers[k].present)
            continue;
        progress.checkCancelled();
        index::LayerScan scan
            = source->scanLayer(k, {.hashFiles = false, .buildIndex = true, .progress = options.progress});
        if (k >= first && scan.layout == wcow::Layout::Linux)
            throw Error({source->layerName(k), {}, {}, {}},
                        "is not a Windows layer: squash writes Windows layers (Files/, Hives/)");
        trees[k] = std::move(scan.index);
        pointers[k] = &trees[k];
    }
    const SquashPlan plan = planSquash(pointers, first, progress);

    SquashLayerWriter writer(
        plan, [&](size_t k) { return source->openLayerBlob(k); }, [&](size_t k) { return source->layerName(k); },
        io::hiddenSibling(output, ".squash-spill-"));

    SquashResult result;
    result.output = output;
    result.format = options.format;
    result.first = first;
    result.last = last;
    result.layersBefore = count;
    result.layout = plan.base ? "windows-base" : "windows-delta";
    result.entries = writer.entries();
    result.whiteouts = writer.whiteouts();
    result.lowerKnown = plan.lowerKnown;

    const auto writeTar = [&](io::ByteSink& sink) {
        writer.write(sink, progress);
        result.hardLinks = writer.hardLinks();
        result.linksMadeFiles = writer.linksMadeFiles();
        result.mergedHives = writer.mergedHives();
        result.spilledBytes = writer.spilledBytes();
        result.spilledEntries = writer.spilledEntries();
    };
    baselayer::PackageOptions package;
    package.overwrite = options.overwrite;
    package.progress = options.progress;
    if (options.format == OutputFormat::Tar || options.format == OutputFormat::TarGz
        || options.format == OutputFormat::TarZst) {
        package.format = options.format;
        const baselayer::PackageResult packaged = baselayer::packageLayer(writeTar, output, package);
        result.layersAfter = 1;
        result.layerDigest = packaged.digest;
        result.diffId = packaged.diffId;
        return result;
    }

    // An image: the squashed layer is staged beside the output (gzip for OCI, which stores it as it is; a plain
    // tar for a docker archive, which holds layers uncompressed), then the image is written around it.
    RemoveOnExit staged {io::hiddenSibling(output, ".squash-layer-")};
    package.format = options.format == OutputFormat::Oci ? OutputFormat::TarGz : OutputFormat::Tar;
    package.overwrite = true;
    const baselayer::PackageResult packaged = baselayer::packageLayer(writeTar, staged.path, package);

    scratch::AppendOptions append;
    append.format = options.format;
    append.keepLayers = first;
    append.upperFrom = last + 1;
    append.platform = options.platform;
    append.createdBy = "layerscope squash " + std::to_string(first) + ".." + std::to_string(last);
    append.comment
        = "layers " + std::to_string(first) + ".." + std::to_string(last) + " of " + img.source + " squashed into one";
    append.created = options.created;
    append.tag = options.tag;
    append.layerDiffId = packaged.diffId;
    append.movableLayerDigest = packaged.digest; // the staged layer moves into an OCI layout: no second copy
    append.overwrite = options.overwrite;
    append.progress = options.progress;
    const scratch::AppendResult appended = scratch::appendLayer(sourcePath, staged.path, output, append);
    result.layersAfter = appended.layers;
    result.layerDigest = appended.layerDigest;
    result.diffId = appended.diffId;
    result.configDigest = appended.configDigest;
    result.manifestDigest = appended.manifestDigest;
    return result;
}

} // namespace layerscope::squash
