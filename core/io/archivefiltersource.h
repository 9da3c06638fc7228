// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "decompressingsource.h"

#include <archive.h>

#include <exception>
#include <vector>

namespace layerscope::io {

// Decodes zstd, xz and bzip2 with libarchive's stream filters and its "raw" format, pulling the stored bytes
// from a ByteSource through libarchive's read callback. (gzip has its own decoders: see ZlibGzipSource.)
class ArchiveFilterSource final : public DecompressingSource
{
public:
    ArchiveFilterSource(std::unique_ptr<ByteSource> raw, std::vector<uint8_t> head, Compression compression);
    ~ArchiveFilterSource() override;

    size_t read(void* buffer, size_t size) override;
    // libarchive buffers ahead internally, so this is the stored bytes handed to it (at most one input
    // buffer ahead of what it has decoded).
    uint64_t storedPosition() const override { return m_raw->storedPosition(); }
    uint64_t storedSize() const override { return m_raw->storedSize(); }
    const std::string& name() const override { return m_raw->name(); }
    Compression compression() const override { return m_compression; }
    const char* decoder() const override { return "libarchive"; }

private:
    static la_ssize_t readCallback(archive* handle, void* self, const void** buffer);
    // Throws the ByteSource's own error if the failure came from reading, else libarchive's message.
    [[noreturn]] void fail(const char* fallback);
    void remember(const uint8_t* data, size_t size);

    std::unique_ptr<ByteSource> m_raw;
    std::vector<uint8_t> m_head;
    bool m_headDelivered = false;
    Compression m_compression;
    std::unique_ptr<uint8_t[]> m_input;
    // The first stored bytes, kept to check a stream that decodes to nothing (see the constructor).
    std::vector<uint8_t> m_prefix;
    bool m_rawEnded = false;
    struct ArchiveFree
    {
        void operator()(archive* handle) const { archive_read_free(handle); }
    };
    std::unique_ptr<archive, ArchiveFree> m_archive;
    // An exception thrown by the raw source inside the callback, carried across libarchive's C frames.
    std::exception_ptr m_readError;
    bool m_done = false;
};

} // namespace layerscope::io
