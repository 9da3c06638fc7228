// SPDX-License-Identifier: Apache-2.0
#include "base64.h"

#include <openssl/evp.h>

namespace layerscope {

std::string base64Encode(std::span<const uint8_t> bytes)
{
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                        static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(written));
    return out;
}

std::optional<std::vector<uint8_t>> base64Decode(std::string_view text)
{
    if (text.size() % 4 != 0)
        return std::nullopt;
    // EVP_DecodeBlock accepts leading/trailing whitespace and does not report padding; check the alphabet here so
    // that malformed records are rejected rather than decoded into garbage.
    size_t padding = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
            || c == '/';
        if (c == '=') {
            if (i + 2 < text.size())
                return std::nullopt;
            ++padding;
        } else if (!alphabet || padding) {
            return std::nullopt;
        }
    }
    std::vector<uint8_t> out(text.size() / 4 * 3);
    const int written = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                        static_cast<int>(text.size()));
    if (written < 0)
        return std::nullopt;
    out.resize(static_cast<size_t>(written) - padding);
    return out;
}

} // namespace layerscope
