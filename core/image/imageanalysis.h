// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "image/imagesource.h"
#include "index/treeindex.h"

#include <optional>
#include <string>
#include <vector>

namespace layerscope::image {

struct Finding
{
    enum class Severity { Warning, Error };
    Severity severity = Severity::Error;
    std::optional<size_t> layer; // nullopt for the image as a whole
    std::string message;
};

struct AnalyzeOptions
{
    // true (chain, tree): a missing blob, an unreadable layer or a digest, size or diff_id mismatch throws
    // layerscope::Error naming both values. false (verify): each becomes a Finding and the other layers are read.
    bool strict = true;
    bool hashFiles = false; // sha256 of every file (trees for diffs and `tree` output need it)
    bool keepTrees = false;
    Progress* progress = nullptr; // bytes of all present layers together
};

struct Analysis
{
    std::vector<Finding> findings; // identity mismatches, layout rule violations (as the layer scan reports them)
    std::vector<std::optional<index::TreeIndex>> trees; // per layer when keepTrees; nullopt for absent layers

    bool hasErrors() const;
};

// Reads every present layer of the source once (index::scanLayer / the layer folder's files), records sizes,
// compression, layout and counts into source.image(), and checks each layer's identity. Absent foreign layers are
// listed as such and never an error.
Analysis analyzeImage(ImageSource& source, const AnalyzeOptions& options);

// `verify` of a bare disk (SourceKind::Disk): walks the NTFS volume inside without building a tree, one error per
// entry that cannot be read; where this build reads no disks, one warning saying so. Throws layerscope::Error for
// a disk that cannot be opened at all (a damaged header, a missing parent, no NTFS).
std::vector<Finding> checkDisk(ImageSource& source, Progress& progress = Progress::none());

// The merged view of the whole chain (index::mergeLayers; Record::layer says which layer last set a path). Absent
// foreign layers contribute nothing, with a note on the image.
index::TreeIndex mergedView(ImageSource& source, bool hashFiles, Progress& progress = Progress::none());

} // namespace layerscope::image
