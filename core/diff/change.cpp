// SPDX-License-Identifier: Apache-2.0
#include "diff/change.h"

namespace layerscope::diff {

const char* changeKindName(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Added:
        return "added";
    case ChangeKind::Removed:
        return "removed";
    case ChangeKind::Changed:
        return "changed";
    }
    return "?";
}

std::optional<ChangeKind> changeKindFromName(std::string_view name)
{
    for (ChangeKind k : {ChangeKind::Added, ChangeKind::Removed, ChangeKind::Changed})
        if (name == changeKindName(k))
            return k;
    return std::nullopt;
}

} // namespace layerscope::diff
