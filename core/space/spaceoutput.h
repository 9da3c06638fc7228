// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "space/spacereport.h"

#include <nlohmann/json.hpp>

#include <string>

namespace layerscope::space {

// `space --json`: {source, efficiency, dive{efficiency, wastedBytes, totalBytes}, exact{shippedBytes,
// visibleBytes, hiddenBytes, visibleFiles}, layers[{index, role, createdBy, present, storedSize, bytes, entries,
// added{count, bytes}, modified{count, bytes}, removed{count, bytes}, visibleBytes, hiddenBytes}],
// wastedPaths{count, top[{path, occurrences, cumulativeBytes, wastedBytes, layers}]}, duplicates{groups, files,
// savableBytes, top[{sha256, size, count, savableBytes, paths}]}, hotSpots{bytes, rules[{rule, reason, files,
// bytes, shippedBytes, topPaths}]}, split[{role, layers, bytes, storedBytes, visibleBytes}]}. Sizes are bytes.
nlohmann::json spaceToJson(const SpaceReport& report, const std::string& source);

// The readable form, at most 100 columns wide: summary, layers, split, wasted paths, duplicates, hot spots.
std::string spaceToText(const SpaceReport& report, const std::string& source);

// "12.3 MiB", "512 B": one decimal from KiB up.
std::string humanBytes(uint64_t bytes);

} // namespace layerscope::space
