// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace layerscope {

// UTF-16 → UTF-8 for names Windows stores (registry keys, NTFS file names), which may hold unpaired surrogates:
// those become U+FFFD, so the result is always valid UTF-8.
std::string utf16ToUtf8(std::u16string_view utf16);
// The same from little-endian bytes as they lie on disk (an odd trailing byte is ignored), appended to `out`.
void appendUtf8FromUtf16Le(std::span<const uint8_t> utf16le, std::string& out);

} // namespace layerscope
