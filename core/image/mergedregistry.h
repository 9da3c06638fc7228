// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope::image {

class ImageSource;

// One system hive as a container of the image sees it: the base layer's config hive with every upper layer's
// `Hives/*_Delta` applied (hive::mergeLayeredHive; registry-delta-hives §4, an inferred algorithm). Derived: no
// layer ships these bytes, and security descriptors and times of the merged keys are not carried.
struct MergedHive
{
    std::string name; // "SYSTEM"
    std::vector<uint8_t> bytes; // the merged key tree as an ordinary regf hive (minor version 5)
    // What went into it, base first: "layer 0: Files/Windows/System32/config/SYSTEM", "layer 2: Hives/System_Delta".
    std::vector<std::string> parts;
};

// "DEFAULT" -> "DefaultUser_Delta", "SYSTEM" -> "System_Delta", … (registry-delta-hives §1); empty for other names.
std::string_view deltaHiveName(std::string_view hive);

// Reads the base hive from the lowest layer that has Files/Windows/System32/config/<hive> and the deltas from the
// layers above it, one pass over each layer. Throws layerscope::Error naming the source for an unknown hive name,
// a chain without that config hive, an absent layer blob, and a hive or delta that is not a readable hive.
MergedHive mergeSystemHive(const ImageSource& source, std::string_view hive, Progress& progress = Progress::none());

} // namespace layerscope::image
