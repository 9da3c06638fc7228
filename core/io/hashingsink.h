// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "bytesink.h"
#include "common/sha256.h"

namespace layerscope::io {

// SHA-256 of everything written, passed on to another sink or (default constructor) nowhere. Placed before a
// compressor it yields the layer's diff_id; after it, the layer digest — both in the one writing pass.
class HashingSink final : public ByteSink
{
public:
    HashingSink() = default;
    // `next` must outlive this sink.
    explicit HashingSink(ByteSink& next)
        : m_next(&next)
    { }

    void write(const void* data, size_t size) override;
    // Fixes the digest, then finishes `next`.
    void finish() override;

    // Valid after finish().
    const Sha256Digest& digest() const { return m_digest; }
    uint64_t size() const { return m_size; }

private:
    ByteSink* m_next = nullptr;
    Sha256 m_hash;
    Sha256Digest m_digest {};
    uint64_t m_size = 0;
    bool m_finished = false;
};

} // namespace layerscope::io
