// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "diff/diffresult.h"
#include "image/treespec.h"

#include <QString>

#include <memory>

namespace layerscope::ui {

// A finished comparison: both trees and the result that borrows them, kept together so the trees outlive it.
struct LoadedDiff
{
    QString specA;
    QString specB;
    std::unique_ptr<image::ResolvedTree> a;
    std::unique_ptr<image::ResolvedTree> b;
    std::unique_ptr<diff::DiffResult> result;
};

} // namespace layerscope::ui
