// SPDX-License-Identifier: Apache-2.0
#include "sourceloader.h"

#include "common/error.h"
#include "image/imageanalysis.h"
#include "image/imagesource.h"
#include "index/mergedtree.h"

#include <algorithm>

namespace layerscope::ui {

LoadedSource SourceLoader::load(const QString& path, Progress& progress)
{
    const std::filesystem::path fsPath(path.toStdWString());
    image::OpenOptions openOptions;
    openOptions.progress = &progress;
    const std::shared_ptr<image::ImageSource> source = image::ImageSource::open(fsPath, openOptions);

    // Not strict: a digest mismatch or an unreadable layer is shown as a finding next to the layers that did load,
    // which is more use in a viewer than refusing the whole image. Hashes feed the details pane and the diff.
    image::AnalyzeOptions analyzeOptions;
    analyzeOptions.strict = false;
    analyzeOptions.hashFiles = true;
    analyzeOptions.keepTrees = true;
    analyzeOptions.progress = &progress;
    image::Analysis analysis = image::analyzeImage(*source, analyzeOptions);

    const image::Image& image = source->image();
    LoadedSource loaded;
    loaded.path = path;
    loaded.kind = image::sourceKindName(image.kind);
    loaded.os = image.os;
    loaded.osVersion = image.osVersion;
    loaded.architecture = image.architecture;
    loaded.repoTags = image.repoTags;
    loaded.notes = image.notes;
    for (const auto& finding : analysis.findings) {
        std::string text = finding.severity == image::Finding::Severity::Error ? "error: " : "warning: ";
        if (finding.layer)
            text += "layer " + std::to_string(*finding.layer) + ": ";
        loaded.findings.push_back(text + finding.message);
    }

    // Absent layers merge as empty trees so that Record::layer stays the chain position.
    static const index::TreeIndex empty;
    std::vector<const index::TreeIndex*> chain;
    for (size_t i = 0; i < image.layers.size(); ++i) {
        const image::LayerRef& ref = image.layers[i];
        LoadedLayer layer;
        layer.position = int(i);
        layer.digest = ref.digest;
        layer.folderId = ref.folderId;
        layer.diffId = ref.diffId;
        layer.mediaType = ref.mediaType;
        layer.createdBy = ref.createdBy;
        layer.compression = ref.compression;
        layer.storedSize = ref.size.value_or(0);
        layer.uncompressedSize = ref.uncompressedSize.value_or(0);
        layer.layout = ref.layout;
        layer.foreign = ref.foreign;
        layer.present = ref.present;
        layer.counts = ref.counts.value_or(index::EntryCounts {});
        layer.problems = ref.problems;
        layer.urls = ref.urls;
#if defined(LAYERSCOPE_HAVE_DISKS)
        for (const image::VhdxInfo& disk : ref.disks)
            layer.disks.push_back(QString::fromStdString(disk.path));
#endif
        if (i < analysis.trees.size() && analysis.trees[i]) {
            layer.tree = std::make_shared<const index::TreeIndex>(std::move(*analysis.trees[i]));
            layer.sizes
                = std::make_shared<const index::FolderSizes>(index::FolderSizes::compute(*layer.tree, progress));
        }
        chain.push_back(layer.tree ? layer.tree.get() : &empty);
        loaded.layers.push_back(std::move(layer));
    }
    // Nothing readable at all is a failure to open, not a chain to show: report the first problem, which names the
    // file, entry and byte offset.
    const bool anyTree = std::any_of(loaded.layers.begin(), loaded.layers.end(), [](const auto& l) { return l.tree; });
    if (!anyTree) {
        for (const auto& finding : analysis.findings)
            if (finding.severity == image::Finding::Severity::Error)
                throw Error(finding.message);
    }
    progress.checkCancelled();
#if defined(LAYERSCOPE_HAVE_DISKS)
    // A bare disk has no layers: its tree is the NTFS volume inside (issue 12). A disk whose volume cannot be read
    // still opens, as its summary, with the reason as a finding.
    if (image.disk) {
        try {
            loaded.merged = std::make_shared<const index::TreeIndex>(image::mergedView(*source, false, progress));
        } catch (const Error& e) {
            loaded.findings.push_back(std::string("error: ") + e.what());
        }
    }
    loaded.notes = image.notes; // mergedView adds the entries it could not read
#endif
    // A single layer that merges to itself shares its tree with the merged view instead of a copy.
    if (loaded.merged) {
        // the disk's volume, above
    } else if (loaded.layers.size() == 1 && loaded.layers[0].tree && index::mergesToItself(*loaded.layers[0].tree)) {
        loaded.merged = loaded.layers[0].tree;
    } else {
        loaded.merged = std::make_shared<const index::TreeIndex>(index::mergeLayers(chain, progress));
    }
    loaded.mergedSizes
        = std::make_shared<const index::FolderSizes>(index::FolderSizes::compute(*loaded.merged, progress));
    loaded.image = source;
    return loaded;
}

} // namespace layerscope::ui
