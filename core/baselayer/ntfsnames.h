// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace layerscope::baselayer {

// Why a single path component cannot exist on NTFS under Win32 naming rules, or nullopt when it can:
// reserved device names (CON, PRN, AUX, NUL, COM1-9, LPT1-9, also with an extension such as "nul.txt"),
// trailing dots or spaces, the characters <>:"/\|?* and control characters. Layers we create are imported by
// Windows, so a name it cannot create would fail the import half-way.
std::optional<std::string> ntfsNameProblem(std::string_view component);

// Whiteout markers (".wh." prefix) cannot appear in a base layer (wcow-layer-format §1.3) and a real file of
// that name is unrepresentable in any Windows layer (§1.6).
bool isWhiteoutName(std::string_view component);

} // namespace layerscope::baselayer
