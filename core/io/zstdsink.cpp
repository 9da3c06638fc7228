// SPDX-License-Identifier: Apache-2.0
#include "zstdsink.h"

#include "common/error.h"

#include <zstd.h>

#include <string>

namespace layerscope::io {

namespace {

void check(size_t result, const char* what)
{
    if (ZSTD_isError(result))
        throw Error(std::string("zstd compression: ") + what + ": " + ZSTD_getErrorName(result));
}

} // namespace

struct ZstdSink::State
{
    ZSTD_CCtx* context = nullptr;
    size_t outputSize = ZSTD_CStreamOutSize();
    std::unique_ptr<uint8_t[]> output = std::make_unique_for_overwrite<uint8_t[]>(outputSize);

    ~State() { ZSTD_freeCCtx(context); }
};

ZstdSink::ZstdSink(ByteSink& next, int level)
    : m_state(std::make_unique<State>())
    , m_next(next)
{
    m_state->context = ZSTD_createCCtx();
    if (!m_state->context)
        throw Error("zstd compression: out of memory");
    check(ZSTD_CCtx_setParameter(m_state->context, ZSTD_c_compressionLevel, level), "level");
    // The CLI's default too: lets `zstd -t` and our reader detect corruption.
    check(ZSTD_CCtx_setParameter(m_state->context, ZSTD_c_checksumFlag, 1), "checksum");
}

ZstdSink::~ZstdSink() = default;

void ZstdSink::write(const void* data, size_t size)
{
    if (m_finished)
        throw Error("zstd compression: write after finish");
    ZSTD_inBuffer input {data, size, 0};
    while (input.pos < input.size) {
        ZSTD_outBuffer output {m_state->output.get(), m_state->outputSize, 0};
        check(ZSTD_compressStream2(m_state->context, &output, &input, ZSTD_e_continue), "compress");
        if (output.pos > 0)
            m_next.write(m_state->output.get(), output.pos);
    }
}

void ZstdSink::finish()
{
    if (m_finished)
        return;
    ZSTD_inBuffer input {nullptr, 0, 0};
    size_t remaining;
    do {
        ZSTD_outBuffer output {m_state->output.get(), m_state->outputSize, 0};
        remaining = ZSTD_compressStream2(m_state->context, &output, &input, ZSTD_e_end);
        check(remaining, "end of frame");
        if (output.pos > 0)
            m_next.write(m_state->output.get(), output.pos);
    } while (remaining != 0);
    m_finished = true;
    m_next.finish();
}

} // namespace layerscope::io
