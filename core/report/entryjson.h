// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "index/layerscan.h"
#include "index/treeindex.h"
#include "report/jsonstreamwriter.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>

namespace layerscope::report {

// One entry in the shape every JSON output shares (`inspect --entries`, `tree`, `diff`):
// {path, type, size, mode, attributes, attributeNames, sddl, created, modified, accessed, changed, linkTarget,
//  xattrs {name: base64}, sha256}. Absent Windows metadata is null, so every entry has the same keys.
nlohmann::json entryToJson(const index::TreeIndex& index, const index::TreeIndex::Record& record);
// The same entry written straight to a stream (the same bytes as entryToJson's dump); `layer` adds the merged
// view's "layer" member, `shadowed` the "shadowed": true of a single layer's entry that a later one replaced.
void writeEntryJson(JsonStreamWriter& out, const index::TreeIndex& index, const index::TreeIndex::Record& record,
                    std::optional<uint16_t> layer = std::nullopt, bool shadowed = false);

nlohmann::json countsToJson(const index::EntryCounts& counts);
nlohmann::json problemsToJson(const std::vector<wcow::Problem>& problems);

} // namespace layerscope::report
