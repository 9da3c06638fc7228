// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "index/layerscan.h"

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace layerscope::report {

struct InspectOptions
{
    bool entries = false;
};

// `inspect --json`: {path, compression, digest, diffId, layout, counts, totalBytes, problems, [entries]} plus
// storedSize, uncompressedSize and warnings.
nlohmann::json inspectToJson(const index::LayerScan& scan, const InspectOptions& options);
// The same document, streamed: the same bytes as inspectToJson(...).dump(2) plus a newline, without building it
// (a million entries as a DOM take ~1 GiB).
void writeInspectJson(const index::LayerScan& scan, const InspectOptions& options, std::ostream& out);
// The readable form: a summary block, problems, and with entries a `tar tv`-like listing, streamed.
void writeInspectText(const index::LayerScan& scan, const InspectOptions& options, std::ostream& out);
std::string inspectToText(const index::LayerScan& scan, const InspectOptions& options);

} // namespace layerscope::report
