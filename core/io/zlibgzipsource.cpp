// SPDX-License-Identifier: Apache-2.0
#include "zlibgzipsource.h"

#include "common/error.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>

namespace layerscope::io {

namespace {

constexpr size_t InputBufferSize = size_t(1) << 20;

} // namespace

struct ZlibGzipSource::State
{
    z_stream stream {};
    std::unique_ptr<uint8_t[]> input = std::make_unique_for_overwrite<uint8_t[]>(InputBufferSize);
    bool initialised = false;
};

ZlibGzipSource::ZlibGzipSource(std::unique_ptr<ByteSource> raw, std::span<const uint8_t> head)
    : m_raw(std::move(raw))
    , m_state(std::make_unique<State>())
{
    std::copy(head.begin(), head.end(), m_state->input.get());
    z_stream& stream = m_state->stream;
    // windowBits 15 + 16: gzip wrapper only, with CRC-32 and ISIZE checked at the end of each member.
    if (inflateInit2(&stream, 15 + 16) != Z_OK)
        throw Error(Error::Where {name(), {}, {}, {}}, "cannot start gzip decoding");
    m_state->initialised = true;
    stream.next_in = m_state->input.get();
    stream.avail_in = uInt(head.size());
}

ZlibGzipSource::~ZlibGzipSource()
{
    if (m_state->initialised)
        inflateEnd(&m_state->stream);
}

uint64_t ZlibGzipSource::storedPosition() const
{
    return m_raw->storedPosition() - m_state->stream.avail_in;
}

void ZlibGzipSource::fail(const std::string& message) const
{
    throw Error(Error::Where {name(), {}, {}, storedPosition()}, message);
}

bool ZlibGzipSource::refill()
{
    if (m_rawEnded)
        return false;
    z_stream& stream = m_state->stream;
    uint8_t* input = m_state->input.get();
    if (stream.avail_in > 0 && stream.next_in != input)
        std::memmove(input, stream.next_in, stream.avail_in);
    stream.next_in = input;
    const size_t space = InputBufferSize - stream.avail_in;
    if (space == 0)
        return true;
    const size_t n = m_raw->read(input + stream.avail_in, space);
    if (n == 0) {
        m_rawEnded = true;
        return false;
    }
    stream.avail_in += uInt(n);
    return true;
}

bool ZlibGzipSource::startNextMember()
{
    // Same rules as IsalGzipSource::startNextMember (RFC 1952 §2.2 members, zero padding tolerated).
    z_stream& stream = m_state->stream;
    bool padding = false;
    for (;;) {
        if (stream.avail_in == 0 && !refill())
            return false;
        if (!padding && stream.next_in[0] != 0) {
            if (stream.next_in[0] != 0x1f)
                fail("unexpected data after the end of the gzip stream");
            inflateReset(&stream); // keeps the gzip wrapper setting
            return true;
        }
        padding = true;
        Bytef* end = stream.next_in + stream.avail_in;
        Bytef* nonZero = std::find_if(stream.next_in, end, [](Bytef byte) { return byte != 0; });
        stream.avail_in -= uInt(nonZero - stream.next_in);
        stream.next_in = nonZero;
        if (nonZero != end)
            fail("unexpected data after the end of the gzip stream");
    }
}

size_t ZlibGzipSource::read(void* buffer, size_t size)
{
    if (m_done || size == 0)
        return 0;
    z_stream& stream = m_state->stream;
    const uInt capacity = uInt(std::min<size_t>(size, std::numeric_limits<uInt>::max()));
    for (;;) {
        if (m_memberEnded) {
            if (!startNextMember()) {
                m_done = true;
                return 0;
            }
            m_memberEnded = false;
        }
        if (stream.avail_in == 0)
            refill();
        const uInt inputBefore = stream.avail_in;
        stream.next_out = static_cast<Bytef*>(buffer);
        stream.avail_out = capacity;
        const int status = inflate(&stream, Z_NO_FLUSH);
        if (status == Z_DATA_ERROR || status == Z_NEED_DICT)
            fail(std::string("gzip data is corrupt (") + (stream.msg ? stream.msg : "invalid data") + ")");
        if (status == Z_MEM_ERROR || status == Z_STREAM_ERROR)
            fail("gzip decoding failed (out of memory)");
        m_memberEnded = status == Z_STREAM_END;
        const size_t produced = capacity - stream.avail_out;
        if (produced > 0)
            return produced;
        if (m_memberEnded)
            continue;
        if (stream.avail_in == inputBefore) {
            if (m_rawEnded || !refill())
                fail("gzip stream is truncated");
            if (stream.avail_in == inputBefore)
                fail("gzip decoder made no progress");
        }
    }
}

} // namespace layerscope::io
