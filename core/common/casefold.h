// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace layerscope {

// Upper-cases UTF-8 text the way NTFS compares names: code point by code point with a simple one-to-one
// mapping (no expansions such as ß -> SS). NTFS uses the volume's $UpCase table; we cover ASCII, Latin-1,
// Latin Extended-A, Greek and Cyrillic, which is where real image paths live. Invalid UTF-8 bytes pass through
// unchanged so that folding never fails.
std::string foldCase(std::string_view utf8);

// Case-insensitive equality under foldCase.
bool equalsFolded(std::string_view a, std::string_view b);

} // namespace layerscope
