// SPDX-License-Identifier: Apache-2.0
#pragma once

// For the *_win32.cpp platform files only (defined in platformfile_win32.cpp); nothing portable includes it.

#include <filesystem>
#include <string>

namespace layerscope::io {

// The path as a Win32 file call should get it. Short paths are passed as they are, so Windows keeps treating
// them as users expect ('/' separators, relative names, device names). A path too long for MAX_PATH is made
// absolute with '\' separators and given the "\\?\" (or "\\?\UNC\") prefix: without it the calls fail beyond
// 260 characters unless the machine and the executable both opted in to long paths.
std::wstring win32ApiPath(const std::filesystem::path& path);

} // namespace layerscope::io
