// SPDX-License-Identifier: Apache-2.0
#include "archivefiltersource.h"

#include "common/error.h"

#include <archive_entry.h>
#include <zstd.h>

#include <algorithm>
#include <array>

namespace layerscope::io {

namespace {

constexpr size_t InputBufferSize = size_t(1) << 20;
// A compressed stream of nothing is a few dozen bytes; this much is kept to check one.
constexpr size_t PrefixLimit = 4096;

int filterCode(Compression compression)
{
    switch (compression) {
    case Compression::Zstd:
        return ARCHIVE_FILTER_ZSTD;
    case Compression::Xz:
        return ARCHIVE_FILTER_XZ;
    case Compression::Bzip2:
        return ARCHIVE_FILTER_BZIP2;
    case Compression::None:
    case Compression::Gzip:
        break;
    }
    return ARCHIVE_FILTER_NONE;
}

// libarchive's filters report a stream cut inside its header as a clean, empty stream, so when nothing was
// decoded we check ourselves that `stored` is a complete stream (or several) of nothing.
bool isCompleteEmptyStream(Compression compression, std::span<const uint8_t> stored)
{
    switch (compression) {
    case Compression::Zstd:
        // RFC 8878 §3.1: frames follow each other; libzstd can measure each without decoding it.
        while (!stored.empty()) {
            const size_t frame = ZSTD_findFrameCompressedSize(stored.data(), stored.size());
            if (ZSTD_isError(frame) || frame == 0)
                return false;
            stored = stored.subspan(frame);
        }
        return true;
    case Compression::Xz: {
        // xz file format §2.2: stream padding is zero bytes; §2.1.2.4: every stream ends with the footer magic.
        while (!stored.empty() && stored.back() == 0)
            stored = stored.first(stored.size() - 1);
        return stored.size() >= 32 && stored[stored.size() - 2] == 'Y' && stored.back() == 'Z';
    }
    case Compression::Bzip2: {
        // A bzip2 stream without blocks: "BZh" level, the end-of-stream magic 0x177245385090, CRC 0 — byte
        // aligned, 14 bytes. Concatenated empty streams are a series of those.
        static constexpr std::array<uint8_t, 10> End = {0x17, 0x72, 0x45, 0x38, 0x50, 0x90, 0, 0, 0, 0};
        if (stored.empty() || stored.size() % 14 != 0)
            return false;
        for (; !stored.empty(); stored = stored.subspan(14)) {
            if (stored[0] != 'B' || stored[1] != 'Z' || stored[2] != 'h' || stored[3] < '1' || stored[3] > '9'
                || !std::equal(End.begin(), End.end(), stored.begin() + 4))
                return false;
        }
        return true;
    }
    case Compression::None:
    case Compression::Gzip:
        break;
    }
    return false;
}

} // namespace

ArchiveFilterSource::ArchiveFilterSource(std::unique_ptr<ByteSource> raw, std::vector<uint8_t> head,
                                         Compression compression)
    : m_raw(std::move(raw))
    , m_head(std::move(head))
    , m_compression(compression)
    , m_input(std::make_unique_for_overwrite<uint8_t[]>(InputBufferSize))
    , m_archive(archive_read_new())
{
    if (!m_archive)
        throw Error(Error::Where {name(), {}, {}, {}}, "out of memory starting the decompressor");
    // We name the one filter ourselves (archive_read_append_filter) instead of letting libarchive bid with
    // archive_read_support_filter_all(): bidding repeats until no filter claims the data, so an xz file that
    // holds another xz file would be unpacked twice, and decoded data whose first bytes happen to look like
    // uuencode or lzip would be "decoded" again. The "empty" format accepts a stream that decodes to zero bytes,
    // which the "raw" format refuses.
    archive_read_support_format_raw(m_archive.get());
    archive_read_support_format_empty(m_archive.get());
    if (archive_read_append_filter(m_archive.get(), filterCode(compression)) != ARCHIVE_OK)
        fail("this libarchive cannot decode the stream");
    if (archive_read_open(m_archive.get(), this, nullptr, &ArchiveFilterSource::readCallback, nullptr) != ARCHIVE_OK)
        fail("cannot start decoding");
    archive_entry* entry = nullptr;
    const int status = archive_read_next_header(m_archive.get(), &entry);
    if (status == ARCHIVE_EOF) {
        // The "empty" format also claims a stream whose filter failed or stopped before producing a byte.
        if (m_readError || archive_errno(m_archive.get()) != 0)
            fail("cannot decode");
        while (!m_rawEnded && m_prefix.size() <= PrefixLimit && !m_readError) { // libarchive may have stopped early
            const void* ignored = nullptr;
            readCallback(m_archive.get(), this, &ignored);
        }
        if (m_readError)
            std::rethrow_exception(m_readError);
        if (!m_rawEnded || !isCompleteEmptyStream(compression, m_prefix))
            throw Error(Error::Where {name(), {}, {}, storedPosition()},
                        std::string(compressionName(compression)) + " stream is truncated or damaged");
        m_done = true;
    } else if (status != ARCHIVE_OK) {
        fail("cannot decode");
    }
}

ArchiveFilterSource::~ArchiveFilterSource() = default;

void ArchiveFilterSource::remember(const uint8_t* data, size_t size)
{
    if (m_prefix.size() <= PrefixLimit)
        m_prefix.insert(m_prefix.end(), data, data + std::min(size, PrefixLimit + 1 - m_prefix.size()));
}

la_ssize_t ArchiveFilterSource::readCallback(archive* handle, void* self, const void** buffer)
{
    auto* source = static_cast<ArchiveFilterSource*>(self);
    if (!source->m_headDelivered) {
        source->m_headDelivered = true;
        if (!source->m_head.empty()) {
            source->remember(source->m_head.data(), source->m_head.size());
            *buffer = source->m_head.data();
            return static_cast<la_ssize_t>(source->m_head.size());
        }
    }
    try {
        *buffer = source->m_input.get();
        const size_t n = source->m_raw->read(source->m_input.get(), InputBufferSize);
        source->m_rawEnded = n == 0;
        source->remember(source->m_input.get(), n);
        return static_cast<la_ssize_t>(n);
    } catch (...) {
        // Exceptions must not unwind through libarchive's C code; rethrown by fail() once it returns.
        source->m_readError = std::current_exception();
        archive_set_error(handle, EIO, "read failed");
        return -1;
    }
}

void ArchiveFilterSource::fail(const char* fallback)
{
    if (m_readError)
        std::rethrow_exception(m_readError);
    const char* detail = m_archive ? archive_error_string(m_archive.get()) : nullptr;
    throw Error(Error::Where {name(), {}, {}, storedPosition()},
                std::string(compressionName(m_compression)) + " stream: " + (detail ? detail : fallback));
}

size_t ArchiveFilterSource::read(void* buffer, size_t size)
{
    if (m_done || size == 0)
        return 0;
    const la_ssize_t n = archive_read_data(m_archive.get(), buffer, size);
    if (n < 0)
        fail("cannot decode");
    if (n == 0)
        m_done = true;
    return size_t(n);
}

} // namespace layerscope::io
