// SPDX-License-Identifier: Apache-2.0
#include "diffloader.h"

#include "diff/treediff.h"

namespace layerscope::ui {

std::shared_ptr<const LoadedDiff> DiffLoader::compare(const QString& specA, const QString& specB,
                                                      const QString& subtree, Progress& progress)
{
    auto loaded = std::make_shared<LoadedDiff>();
    loaded->specA = specA;
    loaded->specB = specB;
    image::TreeSpecOptions options;
    options.hashFiles = true; // content is compared by sha256
    diff::DiffSide sides[2];
    const QString specs[2] = {specA, specB};
    std::unique_ptr<image::ResolvedTree>* trees[2] = {&loaded->a, &loaded->b};
    for (int i = 0; i < 2; ++i) {
        const std::string spec = specs[i].toStdString();
        *trees[i] = std::make_unique<image::ResolvedTree>(image::resolveTree(spec, options, progress));
    }
    // A container's sandbox disk as B is its writable layer over A (see image::overlayWritableDisk).
    image::overlayWritableDisk(*loaded->a, *loaded->b, progress);
    for (int i = 0; i < 2; ++i)
        sides[i] = diff::DiffSide::of(**trees[i], specs[i].toStdString());
    loaded->result = std::make_unique<diff::DiffResult>(
        diff::TreeDiff::compare(sides[0], sides[1], diff::DiffRules::builtin(), subtree.toStdString(), progress));
    return loaded;
}

} // namespace layerscope::ui
