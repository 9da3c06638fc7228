// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "image/image.h"
#include "image/jsondocument.h"

#include <string>
#include <vector>

namespace layerscope::image {

// The parts of an image config (OCI image-spec config.md; Docker's image JSON has the same fields) that the chain
// view shows: platform facts (wcow-layer-format §4: os, os.version, architecture, os.features), created, history
// and rootfs.diff_ids.
struct ImageConfig
{
    struct History
    {
        std::string created;
        std::string createdBy;
        std::string comment;
        bool emptyLayer = false;
    };

    std::string os;
    std::string architecture;
    std::string variant;
    std::string osVersion;
    std::vector<std::string> osFeatures;
    std::string created;
    std::string author;
    std::vector<std::string> diffIds;
    std::vector<History> history;

    // Throws layerscope::Error naming the file and JSON path of missing or mistyped fields.
    static ImageConfig parse(const JsonDocument& doc);

    // Copies the platform facts into `image`, checks that there is one diff_id per layer, gives each layer its
    // diff_id and the history entry that created it (entries with empty_layer set made no layer and are skipped),
    // and computes the chain IDs. Mismatched counts are errors (diff_ids) or notes (history).
    void applyTo(Image& image, const std::string& file) const;
};

} // namespace layerscope::image
