// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "loadeddiff.h"

namespace layerscope::ui {

// Runs a comparison the way `layerscope-cli diff` does, on a TaskRunner thread: both sides resolved by core
// (image::resolveTree accepts the CLI's specs: LAYER, SOURCE, SOURCE@N, folders), compared with the built-in
// rules, so that the counts the window shows are the CLI's.
class DiffLoader
{
public:
    // `subtree` (optional): compare only that file or folder and what is below it.
    static std::shared_ptr<const LoadedDiff> compare(const QString& specA, const QString& specB, const QString& subtree,
                                                     Progress& progress);
};

} // namespace layerscope::ui
