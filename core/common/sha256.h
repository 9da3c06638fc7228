// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace layerscope {

using Sha256Digest = std::array<uint8_t, 32>;

// Incremental SHA-256 over OpenSSL's libcrypto (which uses the CPU's SHA extensions where present).
class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;

    void update(const void* data, size_t size);
    void update(std::span<const uint8_t> bytes) { update(bytes.data(), bytes.size()); }
    Sha256Digest finish(); // resets the hasher for reuse

    static Sha256Digest of(std::span<const uint8_t> bytes);
    static Sha256Digest of(const std::string& text);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

std::string toHex(std::span<const uint8_t> bytes);
// "sha256:<hex>", the OCI digest form.
std::string toDigestString(const Sha256Digest& digest);
// The hex part of an "algorithm:hex" digest string: the blob's file name in an OCI layout.
inline std::string digestHex(const std::string& digest)
{
    return digest.substr(digest.find(':') + 1);
}

} // namespace layerscope
