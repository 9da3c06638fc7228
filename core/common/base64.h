// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope {

// Standard base64 with padding (RFC 4648 §4), as used by MSWINDOWS.rawsd and MSWINDOWS.xattr.* records.
std::string base64Encode(std::span<const uint8_t> bytes);
// Returns nullopt on any character outside the alphabet or a bad length; callers turn that into an Error
// naming the entry, since only they know where the text came from.
std::optional<std::vector<uint8_t>> base64Decode(std::string_view text);

} // namespace layerscope
