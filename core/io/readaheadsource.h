// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "io/bytesource.h"

#include <memory>

namespace layerscope::io {

// Runs another source (typically file -> decompressor) on a thread of its own and hands its bytes over in
// large chunks through a small bounded queue. Decompression then overlaps with whatever the consumer does
// with the bytes (parsing and hashing), which is what lets a scan keep pace with `igzip -dc` on two cores.
// Memory is fixed: `chunkCount` chunks of `chunkSize` bytes. Errors of the inner source are rethrown by read()
// at the point of the stream where they happened.
class ReadAheadSource final : public ByteSource
{
public:
    explicit ReadAheadSource(std::unique_ptr<ByteSource> inner, size_t chunkSize = size_t(1) << 20,
                             size_t chunkCount = 8);
    ~ReadAheadSource() override;

    size_t read(void* buffer, size_t size) override;
    // Lends the current chunk: the scan's tar reader parses and hashes file data in place, without a copy.
    std::optional<std::span<const uint8_t>> borrow(size_t size) override;
    uint64_t storedPosition() const override;
    uint64_t storedSize() const override { return m_storedSize; }
    const std::string& name() const override { return m_name; }

private:
    bool nextChunk();

    struct Shared;
    std::unique_ptr<Shared> m_shared;
    std::string m_name;
    uint64_t m_storedSize = 0;
};

} // namespace layerscope::io
