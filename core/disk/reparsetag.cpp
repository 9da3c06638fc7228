// SPDX-License-Identifier: Apache-2.0
#include "disk/reparsetag.h"

#include "index/mergedtree.h"

#include <cstdio>

namespace layerscope::disk {

ReparseKind classifyReparseTag(uint32_t tag)
{
    switch (tag) {
    case ReparseTagSymlink:
        return ReparseKind::Symlink;
    case ReparseTagMountPoint:
        return ReparseKind::Junction;
    case ReparseTagWci:
    case ReparseTagWciDirectory:
        return ReparseKind::WciPlaceholder;
    case ReparseTagWciTombstone:
        return ReparseKind::WciTombstone;
    default:
        return ReparseKind::Other;
    }
}

std::string reparseDescription(uint32_t tag)
{
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08x", tag);
    switch (classifyReparseTag(tag)) {
    case ReparseKind::Symlink:
        return std::string("symlink (") + hex + ")";
    case ReparseKind::Junction:
        return std::string("junction (") + hex + ")";
    case ReparseKind::WciPlaceholder:
        return std::string(index::WciPlaceholderMark) + " (" + hex + ")";
    case ReparseKind::WciTombstone:
        return std::string("wci-tombstone (") + hex + ")";
    case ReparseKind::Other:
        break;
    }
    return hex;
}

} // namespace layerscope::disk
