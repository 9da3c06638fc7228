// SPDX-License-Identifier: Apache-2.0
#include "gzipsink.h"

#include "common/error.h"

#include <zlib.h>

#include <algorithm>
#include <limits>
#include <string>

namespace layerscope::io {

namespace {

constexpr size_t OutputSize = size_t(1) << 18;

// RFC 1952 §2.3.1: OS 255 = unknown. zlib would otherwise write its build platform's code (3 on Unix, 10 or 0
// on Windows), making the same layer hash differently depending on where it was built.
constexpr int OsUnknown = 255;

} // namespace

struct GzipSink::State
{
    z_stream stream {};
    gz_header header {}; // must stay valid until deflate has written it
    std::unique_ptr<uint8_t[]> output = std::make_unique_for_overwrite<uint8_t[]>(OutputSize);
    bool initialised = false;
};

GzipSink::GzipSink(ByteSink& next, int level)
    : m_state(std::make_unique<State>())
    , m_next(next)
{
    // windowBits 15 + 16: the gzip wrapper; memLevel 8 is zlib's default.
    if (deflateInit2(&m_state->stream, std::clamp(level, 0, 9), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw Error("cannot start gzip compression");
    m_state->initialised = true;
    m_state->header.time = 0;
    m_state->header.os = OsUnknown;
    if (deflateSetHeader(&m_state->stream, &m_state->header) != Z_OK)
        throw Error("cannot set the gzip header");
}

GzipSink::~GzipSink()
{
    if (m_state->initialised)
        deflateEnd(&m_state->stream);
}

void GzipSink::pump(int flush)
{
    z_stream& stream = m_state->stream;
    for (;;) {
        stream.next_out = m_state->output.get();
        stream.avail_out = uInt(OutputSize);
        const int status = deflate(&stream, flush);
        if (status == Z_STREAM_ERROR)
            throw Error(std::string("gzip compression failed: ") + (stream.msg ? stream.msg : "stream error"));
        const size_t produced = OutputSize - stream.avail_out;
        if (produced > 0)
            m_next.write(m_state->output.get(), produced);
        if (flush == Z_FINISH ? status == Z_STREAM_END : (stream.avail_in == 0 && stream.avail_out != 0))
            return;
    }
}

void GzipSink::write(const void* data, size_t size)
{
    if (m_finished)
        throw Error("gzip compression: write after finish");
    const auto* bytes = static_cast<const uint8_t*>(data);
    // avail_in is 32-bit; feed very large writes in pieces.
    while (size > 0) {
        const size_t chunk = std::min<size_t>(size, std::numeric_limits<uInt>::max());
        m_state->stream.next_in = const_cast<Bytef*>(bytes);
        m_state->stream.avail_in = uInt(chunk);
        pump(Z_NO_FLUSH);
        bytes += chunk;
        size -= chunk;
    }
}

void GzipSink::finish()
{
    if (m_finished)
        return;
    m_state->stream.next_in = nullptr;
    m_state->stream.avail_in = 0;
    pump(Z_FINISH);
    m_finished = true;
    m_next.finish();
}

} // namespace layerscope::io
