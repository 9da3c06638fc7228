// SPDX-License-Identifier: Apache-2.0
#include "sha256.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace layerscope {

struct Sha256::State
{
    EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256()
    : m_state(std::make_unique<State>())
{
    m_state->ctx = EVP_MD_CTX_new();
    if (!m_state->ctx || EVP_DigestInit_ex(m_state->ctx, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("OpenSSL: cannot initialise SHA-256");
}

Sha256::~Sha256()
{
    if (m_state)
        EVP_MD_CTX_free(m_state->ctx);
}

Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, size_t size)
{
    if (size)
        EVP_DigestUpdate(m_state->ctx, data, size);
}

Sha256Digest Sha256::finish()
{
    Sha256Digest digest{};
    unsigned int length = 0;
    EVP_DigestFinal_ex(m_state->ctx, digest.data(), &length);
    EVP_DigestInit_ex(m_state->ctx, EVP_sha256(), nullptr);
    return digest;
}

Sha256Digest Sha256::of(std::span<const uint8_t> bytes)
{
    Sha256 hasher;
    hasher.update(bytes);
    return hasher.finish();
}

Sha256Digest Sha256::of(const std::string& text)
{
    return of(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

std::string toHex(std::span<const uint8_t> bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (uint8_t b : bytes) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 15]);
    }
    return out;
}

std::string toDigestString(const Sha256Digest& digest)
{
    return "sha256:" + toHex(digest);
}

} // namespace layerscope
