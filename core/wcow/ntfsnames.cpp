// SPDX-License-Identifier: Apache-2.0
#include "ntfsnames.h"

#include "casefold.h"

#include <array>
#include <cstdint>

namespace layerscope::wcow {

std::optional<std::string> ntfsNameProblem(std::string_view component)
{
    if (component.empty())
        return "empty name";
    if (!isValidUtf8(component))
        return "is not valid UTF-8: Windows names are UTF-16, and the importer's conversion turns the bad bytes into "
               "U+FFFD, so the file gets another name (and two such names can become one)";
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

bool isValidUtf8(std::string_view text)
{
    size_t i = 0;
    while (i < text.size()) {
        const auto byte = uint8_t(text[i]);
        if (byte < 0x80) {
            ++i;
            continue;
        }
        // Lead byte: sequence length and the smallest code point it may encode (so that overlong forms fail).
        size_t length = 0;
        uint32_t codePoint = 0;
        uint32_t minimum = 0;
        if ((byte & 0xE0) == 0xC0) {
            length = 2;
            codePoint = byte & 0x1F;
            minimum = 0x80;
        } else if ((byte & 0xF0) == 0xE0) {
            length = 3;
            codePoint = byte & 0x0F;
            minimum = 0x800;
        } else if ((byte & 0xF8) == 0xF0) {
            length = 4;
            codePoint = byte & 0x07;
            minimum = 0x10000;
        } else {
            return false;
        }
        if (text.size() - i < length)
            return false;
        for (size_t k = 1; k < length; ++k) {
            const auto next = uint8_t(text[i + k]);
            if ((next & 0xC0) != 0x80)
                return false;
            codePoint = codePoint << 6 | (next & 0x3F);
        }
        if (codePoint < minimum || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint < 0xE000))
            return false;
        i += length;
    }
    return true;
}

bool isWhiteoutName(std::string_view component)
{
    return component.starts_with(".wh.");
}

} // namespace layerscope::wcow
