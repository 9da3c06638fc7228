// SPDX-License-Identifier: Apache-2.0
#include "diffloader.h"

#include "diff/treediff.h"
#include "image/sourcedetector.h"

#include <filesystem>

namespace layerscope::ui {

namespace {

// The same decision as the CLI's diff command makes (app/cli/diffcommand.cpp); core should return it from
// resolveTree (see the report) so that both faces share one answer.
diff::DiffSide::Kind sideKind(const std::string& spec, const image::ResolvedTree& resolved)
{
    if (resolved.digest.empty())
        return diff::DiffSide::Kind::Folder;
    std::error_code ec;
    const std::filesystem::path path = std::filesystem::u8path(spec);
    if (std::filesystem::is_directory(path, ec)) {
        const auto kind = image::detectSource(path).kind;
        return kind == image::SourceKind::LayerFolder ? diff::DiffSide::Kind::Folder : diff::DiffSide::Kind::Merged;
    }
    return diff::DiffSide::Kind::Layer;
}

} // namespace

std::shared_ptr<const LoadedDiff> DiffLoader::compare(const QString& specA, const QString& specB, Progress& progress)
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
        const image::ResolvedTree& tree = **trees[i];
        sides[i].label = tree.label.empty() ? spec : tree.label;
        sides[i].digest = tree.digest;
        sides[i].windows = tree.windows;
        sides[i].kind = sideKind(spec, tree);
        sides[i].tree = &tree.tree;
    }
    loaded->result = std::make_unique<diff::DiffResult>(
        diff::TreeDiff::compare(sides[0], sides[1], diff::DiffRules::builtin(), progress));
    return loaded;
}

} // namespace layerscope::ui
