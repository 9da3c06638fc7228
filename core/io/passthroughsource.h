// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "decompressingsource.h"

#include <vector>

namespace layerscope::io {

// What openDecompressed() returns for uncompressed data: the bytes it peeked at, then the rest of the stream
// read straight into the caller's buffer.
class PassthroughSource final : public DecompressingSource
{
public:
    PassthroughSource(std::unique_ptr<ByteSource> raw, std::vector<uint8_t> head);

    size_t read(void* buffer, size_t size) override;
    uint64_t storedPosition() const override { return m_raw->storedPosition() - (m_head.size() - m_headPosition); }
    uint64_t storedSize() const override { return m_raw->storedSize(); }
    const std::string& name() const override { return m_raw->name(); }
    Compression compression() const override { return Compression::None; }
    const char* decoder() const override { return "none"; }

private:
    std::unique_ptr<ByteSource> m_raw;
    std::vector<uint8_t> m_head;
    size_t m_headPosition = 0;
};

} // namespace layerscope::io
