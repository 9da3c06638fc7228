// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "decompressingsource.h"

#include <span>

namespace layerscope::io {

// gzip through zlib's inflate: the portable path when ISA-L is absent or not wanted. Written against zlib
// rather than through libarchive's gzip filter because that filter (libarchive 3.6.2, filter_gzip.c) does not
// check the CRC-32 or length in the member trailer ("XXX TODO"), and reports a stream cut inside its header,
// or one whose header names another method, as an empty stream — all silent damage for a tool that verifies
// layers. Behaves exactly like IsalGzipSource: multi-member files, zero padding, same error messages.
class ZlibGzipSource final : public DecompressingSource
{
public:
    ZlibGzipSource(std::unique_ptr<ByteSource> raw, std::span<const uint8_t> head);
    ~ZlibGzipSource() override;

    size_t read(void* buffer, size_t size) override;
    uint64_t storedPosition() const override;
    uint64_t storedSize() const override { return m_raw->storedSize(); }
    const std::string& name() const override { return m_raw->name(); }
    Compression compression() const override { return Compression::Gzip; }
    const char* decoder() const override { return "zlib"; }

private:
    bool refill();
    bool startNextMember();
    [[noreturn]] void fail(const std::string& message) const;

    struct State;
    std::unique_ptr<ByteSource> m_raw;
    std::unique_ptr<State> m_state;
    bool m_memberEnded = false;
    bool m_rawEnded = false;
    bool m_done = false;
};

} // namespace layerscope::io
