// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "hive/hivediff.h"
#include "hive/hivereader.h"

#include <memory>
#include <string>

namespace layerscope::diff {

// A changed file that is a registry hive on both sides (a config hive, a Hives/*_Delta, the utility VM's BCD),
// compared as a registry (hive::HiveDiff), so that a rewritten but equal hive can be told from a real registry
// change. Owns both parsed hives; the diff points into them.
struct HiveComparison
{
    std::unique_ptr<hive::HiveReader> a;
    std::unique_ptr<hive::HiveReader> b;
    std::unique_ptr<hive::HiveDiff> diff; // null when a side could not be read as a hive (see `problem`)
    std::string problem; // why there is no diff: "B is not a readable hive: …"

    // The registry content is the same: identical, or only time stamps and sequence numbers differ.
    bool registryEqual() const { return diff && diff->verdict() != hive::HiveDiff::Verdict::Different; }
};

} // namespace layerscope::diff
