// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "index/layerscan.h"

#include <nlohmann/json.hpp>
#include <string>

namespace layerscope::report {

struct InspectOptions
{
    bool entries = false;
};

// `inspect --json`: {path, compression, digest, diffId, layout, counts, totalBytes, problems, [entries]} plus
// storedSize, uncompressedSize and warnings.
nlohmann::json inspectToJson(const index::LayerScan& scan, const InspectOptions& options);
// The readable form: a summary block, problems, and with entries a `tar tv`-like listing.
std::string inspectToText(const index::LayerScan& scan, const InspectOptions& options);

} // namespace layerscope::report
