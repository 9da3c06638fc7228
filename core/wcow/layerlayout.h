// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string_view>

namespace layerscope::wcow {

// What a layer tar is, judged from its names (wcow-layer-format §1.3): a Windows base layer (Files/ plus the five
// config hives), a Windows delta layer (Files/, Hives/ or UtilityVM/Files/ without config hives) or anything else,
// which we call a Linux layer.
enum class Layout { WindowsBase, WindowsDelta, Linux };

// "windows-base", "windows-delta", "linux" (the JSON contract's spelling).
const char* layoutName(Layout layout);
std::optional<Layout> parseLayout(std::string_view name);

} // namespace layerscope::wcow
