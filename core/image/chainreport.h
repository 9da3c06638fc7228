// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "image/image.h"
#include "image/imageanalysis.h"

#include <nlohmann/json.hpp>
#include <string>

namespace layerscope::image {

// `chain --json` (issue 3's contract): {source, kind, os, osVersion, architecture, layers[{index, digest, diffId,
// mediaType, size, uncompressedSize, foreign, present, urls, layout, createdBy, counts}]} plus variant, osFeatures,
// created, author, manifestDigest, configDigest, repoTags, platforms, chainIds, notes, and per layer chainId,
// compression, created, comment, problems and (layer folders) folder, id, parents, disks, artifacts.
// Unknown values are null.
nlohmann::json chainToJson(const Image& image);

// The readable form: a summary block, the platforms of an index, the layers base first, and notes.
std::string chainToText(const Image& image);

// `verify --json`: {source, kind, ok, errors, warnings, problems[{layer, severity, message}]}.
nlohmann::json findingsToJson(const Image& image, const std::vector<Finding>& findings);
std::string findingsToText(const Image& image, const std::vector<Finding>& findings);

nlohmann::json vhdxToJson(const VhdxInfo& disk);

} // namespace layerscope::image
