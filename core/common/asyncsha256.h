// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/sha256.h"

#include <cstddef>
#include <memory>

namespace layerscope {

// SHA-256 computed on a thread of its own. update() copies the bytes into one of a few fixed buffers and returns
// at once (waiting only when every buffer is still queued), so the caller's thread — in a layer scan, the one
// that decompresses — is not slowed by hashing. Memory is bounded: bufferCount buffers of bufferSize bytes, each made
// when first needed.
class AsyncSha256
{
public:
    explicit AsyncSha256(size_t bufferSize = size_t(1) << 20, size_t bufferCount = 4);
    ~AsyncSha256();
    AsyncSha256(const AsyncSha256&) = delete;
    AsyncSha256& operator=(const AsyncSha256&) = delete;

    void update(const void* data, size_t size);
    // Waits for the queued bytes and returns the digest of everything passed to update(). Call once.
    Sha256Digest finish();

private:
    struct Shared;
    std::unique_ptr<Shared> m_shared;
};

} // namespace layerscope
