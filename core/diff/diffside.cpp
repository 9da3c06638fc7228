// SPDX-License-Identifier: Apache-2.0
#include "diff/diffside.h"

namespace layerscope::diff {

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
