// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "tar/tarheader.h"

#include <optional>
#include <string>
#include <string_view>

namespace layerscope::scratch {

// The rules that keep a layer from writing outside a scratch work folder. Windows reads '\' as a separator and
// "C:" as a drive, so a name that is harmless to a POSIX tar tool can still climb out on Windows; every rule is
// checked on the raw tar name, before decodeEntry() normalises leading slashes away (wcow-layer-format §1.2:
// names are relative, forward slashes, no leading "/" or "./").

// Why a raw tar entry name (or hard-link target) is unsafe to materialise: absolute ("/x", "\x"), a drive letter
// ("C:x"), a backslash anywhere, or a ".." component. nullopt when it is safe.
std::optional<std::string> rawNameProblem(std::string_view name);

// Why one component of a path below Files/ cannot be created in a work folder: "." / ".." / empty, or a name
// Windows cannot hold (reserved device names such as CON or NUL.txt, trailing dots or spaces, <>:"/\|?* and
// control characters — wcow::ntfsNameProblem). nullopt when it can.
std::optional<std::string> componentProblem(std::string_view component);

// Checks every component of `relative` (a path below Files/, '/'-separated) with componentProblem(); returns the
// first problem, naming the component.
std::optional<std::string> relativePathProblem(std::string_view relative);

} // namespace layerscope::scratch
