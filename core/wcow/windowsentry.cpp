// SPDX-License-Identifier: Apache-2.0
#include "windowsentry.h"

namespace layerscope::wcow {

const char* entryTypeName(EntryType type)
{
    switch (type) {
    case EntryType::File:
        return "file";
    case EntryType::Directory:
        return "directory";
    case EntryType::Symlink:
        return "symlink";
    case EntryType::Junction:
        return "junction";
    case EntryType::Hardlink:
        return "hardlink";
    case EntryType::Whiteout:
        return "whiteout";
    case EntryType::Stream:
        return "stream";
    case EntryType::Other:
        break;
    }
    return "other";
}

} // namespace layerscope::wcow
