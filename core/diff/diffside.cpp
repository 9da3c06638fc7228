// SPDX-License-Identifier: Apache-2.0
#include "diff/diffside.h"

namespace layerscope::diff {

DiffSide DiffSide::of(const image::ResolvedTree& resolved, const std::string& spec)
{
    DiffSide side;
    side.label = resolved.label.empty() ? spec : resolved.label;
    side.digest = resolved.digest;
    side.windows = resolved.windows;
    side.tree = &resolved.tree;
    side.readFiles = resolved.readFiles;
    switch (resolved.origin) {
    case image::ResolvedTree::Origin::Layer:
        side.kind = Kind::Layer;
        break;
    case image::ResolvedTree::Origin::Merged:
        side.kind = Kind::Merged;
        break;
    case image::ResolvedTree::Origin::Folder:
        side.kind = Kind::Folder;
        break;
    }
    return side;
}

const char* sideKindName(DiffSide::Kind kind)
{
    switch (kind) {
    case DiffSide::Kind::Layer:
        return "layer";
    case DiffSide::Kind::Merged:
        return "merged";
    case DiffSide::Kind::Folder:
        return "folder";
    }
    return "?";
}

} // namespace layerscope::diff
