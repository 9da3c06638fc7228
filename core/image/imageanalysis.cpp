// SPDX-License-Identifier: Apache-2.0
#include "image/imageanalysis.h"

#include "image/diskinfo.h"
#if defined(LAYERSCOPE_HAVE_DISKS)
#include "disk/diskscan.h"
#endif

#include "common/error.h"
#include "index/mergedtree.h"
#include "index/treeindexbuilder.h"

namespace layerscope::image {

namespace {

// Reports one layer's progress as part of the whole chain's.
class ChainProgress final : public Progress
{
public:
    ChainProgress(Progress& outer, uint64_t total)
        : m_outer(outer)
        , m_total(total)
    { }
    void startLayer(uint64_t base) { m_base = base; }
    void advance(uint64_t done, uint64_t) override { m_outer.advance(m_base + done, m_total); }
    bool cancelled() const override { return m_outer.cancelled(); }

private:
    Progress& m_outer;
    uint64_t m_total;
    uint64_t m_base = 0;
};

} // namespace

bool Analysis::hasErrors() const
{
    for (const Finding& f : findings)
        if (f.severity == Finding::Severity::Error)
            return true;
    return false;
}

Analysis analyzeImage(ImageSource& source, const AnalyzeOptions& options)
{
    Progress& outer = options.progress ? *options.progress : Progress::none();
    Image& image = source.image();
    uint64_t total = 0;
    for (const LayerRef& layer : image.layers)
        if (layer.present && layer.size)
            total += *layer.size;
    ChainProgress progress(outer, total);

    Analysis analysis;
    analysis.trees.resize(image.layers.size());
    auto add = [&](Finding::Severity severity, size_t i, const std::string& message) {
        analysis.findings.push_back({severity, i, message});
    };
    uint64_t base = 0;
    for (size_t i = 0; i < image.layers.size(); ++i) {
        outer.checkCancelled();
        LayerRef& layer = image.layers[i];
        // Problems known before reading (a VHDX header that does not parse, for instance).
        for (const wcow::Problem& p : layer.problems)
            add(p.severity == wcow::Problem::Severity::Error ? Finding::Severity::Error : Finding::Severity::Warning, i,
                (p.path.empty() ? "" : p.path + ": ") + p.message);
        if (!layer.present) {
            if (layer.foreign) {
                add(Finding::Severity::Warning, i,
                    "foreign layer " + layer.digest + " is not in the source; not verified");
                continue;
            }
            // Reading it raises the error that names what is missing.
            if (options.strict)
                source.scanLayer(i);
            add(Finding::Severity::Error, i,
                image.kind == SourceKind::LayerFolder
                    ? "parent layer folder " + layer.folderId + " is not here (named by layerchain.json)"
                    : "blob " + (layer.digest.empty() ? layer.blobPath : layer.digest) + " of layer "
                        + std::to_string(i) + " is missing (" + source.layerName(i) + ")");
            continue;
        }
        progress.startLayer(base);
        index::ScanOptions scanOptions;
        scanOptions.hashFiles = options.hashFiles;
        scanOptions.buildIndex = options.keepTrees;
        scanOptions.progress = &progress;
        std::optional<index::LayerScan> scan;
        try {
            scan = source.scanLayer(i, scanOptions);
        } catch (const Error& e) {
            if (options.strict)
                throw;
            add(Finding::Severity::Error, i, std::string("cannot read layer ") + std::to_string(i) + ": " + e.what());
            continue;
        }
        base += layer.size.value_or(0);
        for (const std::string& problem : source.identityProblems(i, *scan)) {
            if (options.strict)
                throw Error({source.layerName(i), {}, {}, {}}, problem);
            add(Finding::Severity::Error, i, problem);
        }
        for (const wcow::Problem& p : scan->problems)
            add(p.severity == wcow::Problem::Severity::Error ? Finding::Severity::Error : Finding::Severity::Warning, i,
                (p.path.empty() ? "" : p.path + ": ") + p.message);
        for (const std::string& w : scan->warnings)
            add(Finding::Severity::Warning, i, w);
        source.record(i, *scan);
        if (options.keepTrees)
            analysis.trees[i] = std::move(scan->index);
    }
    outer.advance(total, total);
    return analysis;
}

std::vector<Finding> checkDisk(ImageSource& source, Progress& progress)
{
    std::vector<Finding> findings;
#if defined(LAYERSCOPE_HAVE_DISKS)
    index::ScanOptions options;
    options.hashFiles = false;
    options.buildIndex = false;
    options.progress = &progress;
    const index::LayerScan scan = disk::scanDisk(std::filesystem::u8path(source.image().source), options);
    for (const std::string& w : scan.warnings)
        findings.push_back({Finding::Severity::Warning, std::nullopt, w});
    for (const wcow::Problem& p : scan.problems)
        findings.push_back({Finding::Severity::Error, std::nullopt, p.path + ": " + p.message});
    source.image().notes.push_back("NTFS volume: " + std::to_string(scan.counts.entries) + " entries read");
#else
    (void)source;
    (void)progress;
    findings.push_back({Finding::Severity::Warning, std::nullopt,
                        "this build cannot read the NTFS inside disks: only the header was checked"});
#endif
    return findings;
}

index::TreeIndex mergedView(ImageSource& source, bool hashFiles, Progress& progress)
{
    // A bare disk has no layers to merge: its tree is the NTFS volume inside, where that can be read (issue 12).
    if (const auto& disk = source.image().disk) {
#if defined(LAYERSCOPE_HAVE_DISKS)
        (void)disk;
        index::ScanOptions options;
        options.hashFiles = hashFiles;
        options.progress = &progress;
        index::LayerScan scan = disk::scanDisk(std::filesystem::u8path(source.image().source), options);
        source.image().notes.insert(source.image().notes.end(), scan.warnings.begin(), scan.warnings.end());
        for (const auto& problem : scan.problems)
            source.image().notes.push_back(problem.path + ": " + problem.message);
        return std::move(scan.index);
#else
        throw Error({source.image().source, {}, {}, {}},
                    "is a virtual disk (" + diskSummary(*disk)
                        + "), not a layer or an image: LayerScope shows its summary (inspect, chain) but cannot list "
                          "or compare the files inside it yet");
#endif
    }
    AnalyzeOptions options;
    options.hashFiles = hashFiles;
    options.keepTrees = true;
    options.progress = &progress;
    Analysis analysis = analyzeImage(source, options);
    Image& image = source.image();
    bool windows = image.isWindows();
    for (const auto& tree : analysis.trees)
        if (tree && tree->recordCount() > 0) {
            windows = windows || tree->caseInsensitive();
            break;
        }
    // One layer that merges to itself is its own merged view: no second copy of the tree.
    if (image.layers.size() == 1 && analysis.trees[0] && index::mergesToItself(*analysis.trees[0]))
        return std::move(*analysis.trees[0]);
    std::vector<index::TreeIndex> placeholders;
    placeholders.reserve(image.layers.size() + 1); // pointers into it must stay valid
    std::vector<const index::TreeIndex*> layers;
    for (size_t i = 0; i < image.layers.size(); ++i) {
        if (analysis.trees[i]) {
            layers.push_back(&*analysis.trees[i]);
            continue;
        }
        // An absent foreign layer keeps its position (Record::layer numbers stay those of the chain) with no entries.
        placeholders.push_back(index::TreeIndexBuilder(windows).finish());
        layers.push_back(&placeholders.back());
        image.notes.push_back("layer " + std::to_string(i) + " is not in the source; the merged view lacks it");
    }
    // mergeLayers takes the case rule from the first layer; an empty Linux-flagged base must not decide it.
    if (!layers.empty() && layers.front()->recordCount() == 0 && layers.front()->caseInsensitive() != windows) {
        placeholders.push_back(index::TreeIndexBuilder(windows).finish());
        layers.front() = &placeholders.back();
    }
    return index::mergeLayers(layers, progress);
}

} // namespace layerscope::image
