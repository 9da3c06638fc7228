// SPDX-License-Identifier: Apache-2.0
#include "wcow/layerheader.h"

namespace layerscope::wcow {

bool setLayerEntryType(tar::TarHeader& header, EntryType type, uint64_t size, std::string linkTarget,
                       bool directoryLink)
{
    switch (type) {
    case EntryType::File:
    case EntryType::Stream:
        header.type = tar::typeflag::Regular;
        header.mode = 0100000;
        header.size = size;
        return true;
    case EntryType::Directory:
        header.type = tar::typeflag::Directory;
        header.mode = 040000;
        return true;
    case EntryType::Symlink:
    case EntryType::Junction:
        header.type = tar::typeflag::Symlink;
        header.mode = type == EntryType::Junction || directoryLink ? 0160000 : 0120000;
        header.linkPath = std::move(linkTarget);
        return true;
    case EntryType::Hardlink:
        header.type = tar::typeflag::HardLink;
        header.mode = 0644;
        header.linkPath = std::move(linkTarget);
        return true;
    case EntryType::Whiteout:
        header.type = tar::typeflag::Regular;
        header.mode = 0;
        return true;
    case EntryType::Other:
        break;
    }
    return false;
}

} // namespace layerscope::wcow
