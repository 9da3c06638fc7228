// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "hivekey.h"
#include "hivereader.h"

#include <cstdint>
#include <span>

namespace layerscope::hive {

// What a delta hive's key node says about the same key in the hives below it (registry-delta-hives §3.1).
enum class LayerSemantics : uint8_t {
    Inherit = 0, // this node and the ones below contribute
    Tombstone = 1, // the key is deleted
    SupersedeLocal = 2, // only this node contributes
    SupersedeTree = 3, // only this node and its own subtree contribute
};
LayerSemantics layerSemantics(const HiveReader::Key& key);

// The registry a container sees for one hive: `stack` holds the same hive's root key in each layer, the base
// layer's hive first and each upper layer's delta after it (nullptr where a layer has no such hive). The result
// is the merged key tree as an ordinary hive would hold it: no layer bits, no tombstones.
//
// Windows' layered-key code is closed source; this follows the walk registry-delta-hives §4 infers from the
// published format notes: for each key, collect nodes from the most derived layer downwards until a tombstone
// (nothing below counts) or a supersede node (it counts, nothing below does); values are the union of the
// collected nodes' values, the most derived winning and tombstones removing; subkeys are the union of the
// collected nodes' subkeys, each resolved the same way; the class comes from the most derived node that does not
// inherit it. Security descriptors and last-written times are not carried: the view is derived, not a hive any
// layer ships. Names compare case-insensitively, as Windows does; the most derived spelling is kept.
HiveKey mergeLayeredHive(std::span<const HiveReader::Key* const> stack);

} // namespace layerscope::hive
