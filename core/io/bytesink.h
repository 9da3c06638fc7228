// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace layerscope::io {

// A sequential destination for bytes: a file being written atomically, a compressor, a hasher, or memory.
class ByteSink
{
public:
    virtual ~ByteSink() = default;
    // Throws layerscope::Error on failure.
    virtual void write(const void* data, size_t size) = 0;
    // Flushes buffered bytes and trailers (compressors write their footer here). Called once, at the end.
    virtual void finish() = 0;
};

class MemorySink final : public ByteSink
{
public:
    void write(const void* data, size_t size) override
    {
        const auto* bytes = static_cast<const uint8_t*>(data);
        m_bytes.insert(m_bytes.end(), bytes, bytes + size);
    }
    void finish() override {}

    const std::vector<uint8_t>& bytes() const { return m_bytes; }
    std::vector<uint8_t> take() { return std::move(m_bytes); }

private:
    std::vector<uint8_t> m_bytes;
};

} // namespace layerscope::io
