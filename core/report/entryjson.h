// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "index/layerscan.h"
#include "index/treeindex.h"

#include <nlohmann/json.hpp>

namespace layerscope::report {

// One entry in the shape every JSON output shares (`inspect --entries`, `tree`, `diff`):
// {path, type, size, mode, attributes, attributeNames, sddl, created, modified, accessed, changed, linkTarget,
//  xattrs {name: base64}, sha256}. Absent Windows metadata is null, so every entry has the same keys.
nlohmann::json entryToJson(const index::TreeIndex& index, const index::TreeIndex::Record& record);

nlohmann::json countsToJson(const index::EntryCounts& counts);
nlohmann::json problemsToJson(const std::vector<wcow::Problem>& problems);

} // namespace layerscope::report
