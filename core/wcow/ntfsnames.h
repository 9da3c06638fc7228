// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace layerscope::wcow {

// Why a single path component cannot exist on NTFS under Win32 naming rules, or nullopt when it can:
// reserved device names (CON, PRN, AUX, NUL, COM1-9, LPT1-9, also with an extension such as "nul.txt"),
// trailing dots or spaces, the characters <>:"/\|?* and control characters, bytes that are not UTF-8. Layers are
// imported by Windows, so a name it cannot create fails the import half-way (or, for bad UTF-8, creates another
// name than the tar holds).
std::optional<std::string> ntfsNameProblem(std::string_view component);

// Whether the bytes are well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF). Windows
// names are UTF-16, and Go's conversion (which the importers use) turns each bad byte into U+FFFD, so a name that
// is not UTF-8 comes out as another name, and two such names can become one.
bool isValidUtf8(std::string_view text);

// Whiteout markers (".wh." prefix) cannot appear in a base layer (wcow-layer-format §1.3) and a real file of
// that name is unrepresentable in any Windows layer (§1.6).
bool isWhiteoutName(std::string_view component);

} // namespace layerscope::wcow
