// SPDX-License-Identifier: Apache-2.0
#include "baselayer/ntfsnames.h"

#include "wcow/casefold.h"

#include <array>

namespace layerscope::baselayer {

std::optional<std::string> ntfsNameProblem(std::string_view component)
{
    if (component.empty())
        return "empty name";
    for (const char c : component) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20)
            return "contains a control character";
        if (std::string_view("<>:\"/\\|?*").find(c) != std::string_view::npos)
            return std::string("contains '") + c + "', which Windows does not allow in names";
    }
    if (component.back() == '.' || component.back() == ' ')
        return "ends with a dot or a space, which Windows strips";
    // Device names are reserved whatever the extension ("NUL.txt" still opens the device).
    const std::string stem = wcow::foldCase(component.substr(0, component.find('.')));
    static constexpr std::array<std::string_view, 4> devices = {"CON", "PRN", "AUX", "NUL"};
    for (const auto device : devices)
        if (stem == device)
            return "is the reserved device name " + std::string(device);
    if (stem.size() == 4 && (stem.starts_with("COM") || stem.starts_with("LPT")) && stem[3] >= '1' && stem[3] <= '9')
        return "is the reserved device name " + stem;
    return std::nullopt;
}

bool isWhiteoutName(std::string_view component)
{
    return component.starts_with(".wh.");
}

} // namespace layerscope::baselayer
