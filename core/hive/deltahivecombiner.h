// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "hivekey.h"
#include "hivereader.h"

#include <span>

namespace layerscope::hive {

// One delta hive that does, over any parent, what a run of deltas does when applied one after the other: the
// squash of several Windows layers into one needs its `Hives/*_Delta` to be the range's deltas merged, still as a
// delta (layer bits and tombstones kept), not as resolved keys. `deltas` holds the same hive's root key in each
// layer of the run, earliest first (nullptr where a layer has none).
//
// It is the exact counterpart of mergeLayeredHive's walk (registry-delta-hives §4), so that
// mergeLayeredHive({base, d1, …, dn}) == mergeLayeredHive({base, combineDeltaHives({d1, …, dn})}) for every base:
//  - a later tombstone or supersede node replaces the earlier node with its whole subtree, since nothing below it
//    contributes any more;
//  - a later inherit node over an earlier tombstone becomes a supersede-local node (it contributes, the layers under
//    the tombstone do not);
//  - a later inherit node over an earlier inherit or supersede node keeps the earlier node's semantics; its values
//    come first and win on a name clash (tombstone values included), the earlier node's other values follow in
//    their order; the class is the later one unless the later node inherits it; subkeys are combined recursively.
HiveKey combineDeltaHives(std::span<const HiveReader::Key* const> deltas);

// A reader key with its subtree as a HiveKey to write, layer bits and tombstone values included.
HiveKey toHiveKey(const HiveReader::Key& key);

} // namespace layerscope::hive
