// SPDX-License-Identifier: Apache-2.0
#include "layerlayout.h"

namespace layerscope::wcow {

const char* layoutName(Layout layout)
{
    switch (layout) {
    case Layout::WindowsBase:
        return "windows-base";
    case Layout::WindowsDelta:
        return "windows-delta";
    case Layout::Linux:
        break;
    }
    return "linux";
}

std::optional<Layout> parseLayout(std::string_view name)
{
    for (Layout layout : {Layout::WindowsBase, Layout::WindowsDelta, Layout::Linux})
        if (name == layoutName(layout))
            return layout;
    return std::nullopt;
}

} // namespace layerscope::wcow
