// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "decompressingsource.h"

#include <span>

struct inflate_state; // ISA-L's decoder state (isa-l/igzip_lib.h), kept out of this header

namespace layerscope::io {

// gzip through ISA-L's igzip inflate, the fast path (it keeps up with `igzip -dc`, several times zlib's speed).
// Compiled only when ISA-L is present. Handles multi-member files (RFC 1952 §2.2), verifies every member's
// CRC-32 and length, and treats a stream that stops before its trailer as an error rather than an end.
class IsalGzipSource final : public DecompressingSource
{
public:
    IsalGzipSource(std::unique_ptr<ByteSource> raw, std::span<const uint8_t> head);
    ~IsalGzipSource() override;

    size_t read(void* buffer, size_t size) override;
    uint64_t storedPosition() const override;
    uint64_t storedSize() const override { return m_raw->storedSize(); }
    const std::string& name() const override { return m_raw->name(); }
    Compression compression() const override { return Compression::Gzip; }
    const char* decoder() const override { return "isa-l"; }

private:
    // Moves unread input to the front of the buffer and reads more; false when the stored stream has ended.
    bool refill();
    // After a member's trailer: true when another member follows, false at a clean end of the stream.
    bool startNextMember();
    void resetDecoder();
    [[noreturn]] void fail(const std::string& message) const;

    std::unique_ptr<ByteSource> m_raw;
    std::unique_ptr<inflate_state> m_state;
    std::unique_ptr<uint8_t[]> m_input;
    bool m_rawEnded = false;
    bool m_done = false;
};

} // namespace layerscope::io
