// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace layerscope::io {

// A sequential stream of bytes. Every stage of the pipeline (file, decompressor, a tar member inside another
// tar) is one of these, so the tar reader never knows where its bytes come from.
class ByteSource
{
public:
    virtual ~ByteSource() = default;

    // Reads up to `size` bytes into `buffer`; returns 0 only at the end of the stream. Throws layerscope::Error
    // (naming the file and the stored byte offset) on I/O or decoding failures.
    virtual size_t read(void* buffer, size_t size) = 0;

    // Bytes of the stored (possibly compressed) file consumed so far and its total size (0 when unknown):
    // what progress bars show, since that is what the user waits for.
    virtual uint64_t storedPosition() const = 0;
    virtual uint64_t storedSize() const = 0;

    // The name used in error messages (usually the file path).
    virtual const std::string& name() const = 0;

    // Zero-copy reading for sources that hold the bytes in memory anyway: a view of up to `size` next bytes, valid
    // until the next call on this source; empty at the end of the stream. nullopt when the source cannot lend its
    // memory (then it never can), and the caller falls back to read().
    virtual std::optional<std::span<const uint8_t>> borrow(size_t size)
    {
        (void)size;
        return std::nullopt;
    }
};

// Reads an in-memory buffer; used by tests and for small blobs already loaded.
class MemorySource final : public ByteSource
{
public:
    MemorySource(std::vector<uint8_t> bytes, std::string name)
        : m_bytes(std::move(bytes))
        , m_name(std::move(name))
    { }

    size_t read(void* buffer, size_t size) override
    {
        const size_t n = std::min(size, m_bytes.size() - m_position);
        std::copy_n(m_bytes.data() + m_position, n, static_cast<uint8_t*>(buffer));
        m_position += n;
        return n;
    }
    uint64_t storedPosition() const override { return m_position; }
    uint64_t storedSize() const override { return m_bytes.size(); }
    const std::string& name() const override { return m_name; }
    std::optional<std::span<const uint8_t>> borrow(size_t size) override
    {
        const size_t n = std::min(size, m_bytes.size() - m_position);
        const std::span<const uint8_t> view(m_bytes.data() + m_position, n);
        m_position += n;
        return view;
    }

private:
    std::vector<uint8_t> m_bytes;
    size_t m_position = 0;
    std::string m_name;
};

} // namespace layerscope::io
