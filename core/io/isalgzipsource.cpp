// SPDX-License-Identifier: Apache-2.0
#include "isalgzipsource.h"

#include "common/error.h"

#if __has_include(<isa-l/igzip_lib.h>)
#include <isa-l/igzip_lib.h>
#else
#include <isa-l.h>
#endif

#include <algorithm>
#include <cstring>
#include <limits>

namespace layerscope::io {

namespace {

// Large enough that the raw source can hand over whole chunks without copying through its own buffer.
constexpr size_t InputBufferSize = size_t(1) << 20;

const char* describe(int status)
{
    switch (status) {
    case ISAL_INVALID_BLOCK:
        return "gzip data is corrupt (invalid deflate block)";
    case ISAL_INVALID_SYMBOL:
        return "gzip data is corrupt (invalid deflate code)";
    case ISAL_INVALID_LOOKBACK:
        return "gzip data is corrupt (back-reference before the start of the data)";
    case ISAL_INVALID_WRAPPER:
        return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD:
        return "gzip header names a compression method other than deflate";
    case ISAL_INCORRECT_CHECKSUM:
        return "gzip data is corrupt (CRC-32 or length in the member trailer does not match)";
    default:
        return "gzip data is corrupt";
    }
}

} // namespace

IsalGzipSource::IsalGzipSource(std::unique_ptr<ByteSource> raw, std::span<const uint8_t> head)
    : m_raw(std::move(raw))
    , m_state(std::make_unique<inflate_state>())
    , m_input(std::make_unique_for_overwrite<uint8_t[]>(InputBufferSize))
{
    std::copy(head.begin(), head.end(), m_input.get());
    resetDecoder();
    m_state->next_in = m_input.get();
    m_state->avail_in = uint32_t(head.size());
}

IsalGzipSource::~IsalGzipSource() = default;

void IsalGzipSource::resetDecoder()
{
    // A full init rather than isal_inflate_reset(): the reset keeps the wrapper state, so the next member's
    // header would not be parsed. Init clears the input pointers, hence the save and restore.
    uint8_t* nextIn = m_state->next_in;
    const uint32_t availIn = m_state->avail_in;
    isal_inflate_init(m_state.get());
    m_state->crc_flag = ISAL_GZIP; // parse the header, check CRC-32 and ISIZE in the trailer
    m_state->next_in = nextIn;
    m_state->avail_in = availIn;
}

uint64_t IsalGzipSource::storedPosition() const
{
    return m_raw->storedPosition() - m_state->avail_in;
}

void IsalGzipSource::fail(const std::string& message) const
{
    throw Error(Error::Where {name(), {}, {}, storedPosition()}, message);
}

bool IsalGzipSource::refill()
{
    if (m_rawEnded)
        return false;
    if (m_state->avail_in > 0 && m_state->next_in != m_input.get())
        std::memmove(m_input.get(), m_state->next_in, m_state->avail_in);
    m_state->next_in = m_input.get();
    const size_t space = InputBufferSize - m_state->avail_in;
    if (space == 0)
        return true;
    const size_t n = m_raw->read(m_input.get() + m_state->avail_in, space);
    if (n == 0) {
        m_rawEnded = true;
        return false;
    }
    m_state->avail_in += uint32_t(n);
    return true;
}

bool IsalGzipSource::startNextMember()
{
    // RFC 1952 §2.2: a gzip file is a series of members, so `cat a.gz b.gz` decompresses to a then b. Zero
    // bytes after the last member (tape or block padding) are tolerated, as gzip itself does; anything else
    // is reported, since it may be a damaged member whose data would otherwise be silently dropped.
    bool padding = false;
    for (;;) {
        if (m_state->avail_in == 0 && !refill())
            return false;
        if (!padding && m_state->next_in[0] != 0) {
            if (m_state->next_in[0] != 0x1f)
                fail("unexpected data after the end of the gzip stream");
            resetDecoder();
            return true;
        }
        padding = true;
        uint8_t* end = m_state->next_in + m_state->avail_in;
        uint8_t* nonZero = std::find_if(m_state->next_in, end, [](uint8_t byte) { return byte != 0; });
        m_state->avail_in -= uint32_t(nonZero - m_state->next_in);
        m_state->next_in = nonZero;
        if (nonZero != end)
            fail("unexpected data after the end of the gzip stream");
    }
}

size_t IsalGzipSource::read(void* buffer, size_t size)
{
    if (m_done || size == 0)
        return 0;
    auto* out = static_cast<uint8_t*>(buffer);
    const uint32_t capacity = uint32_t(std::min<size_t>(size, std::numeric_limits<uint32_t>::max()));
    for (;;) {
        if (m_state->block_state == ISAL_BLOCK_FINISH && !startNextMember()) {
            m_done = true;
            return 0;
        }
        if (m_state->avail_in == 0)
            refill();
        const uint32_t inputBefore = m_state->avail_in;
        m_state->next_out = out;
        m_state->avail_out = capacity;
        const int status = isal_inflate(m_state.get());
        if (status < 0)
            fail(describe(status));
        const size_t produced = capacity - m_state->avail_out;
        if (produced > 0)
            return produced;
        if (m_state->block_state == ISAL_BLOCK_FINISH)
            continue; // an empty member ended; look for the next one
        if (m_state->avail_in == inputBefore) {
            // No input consumed and no output made: the decoder needs bytes that are not there.
            if (m_rawEnded || !refill())
                fail("gzip stream is truncated");
            if (m_state->avail_in == inputBefore)
                fail("gzip decoder made no progress"); // cannot happen with a 1 MiB buffer; guards a hang
        }
    }
}

} // namespace layerscope::io
