// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "bytesink.h"

#include <memory>

namespace layerscope::io {

// Compresses into gzip and writes the result to another sink. The output depends only on the input and the
// level: the header carries no file name, modification time 0 and OS byte 255 ("unknown", as Go's
// compress/gzip writes it for container layers), so the same layer always gets the same digest, on any
// platform.
class GzipSink final : public ByteSink
{
public:
    static constexpr int DefaultLevel = 6; // gzip's own default: the usual size/speed balance for layers

    // `next` must outlive this sink.
    explicit GzipSink(ByteSink& next, int level = DefaultLevel);
    ~GzipSink() override;
    GzipSink(const GzipSink&) = delete;
    GzipSink& operator=(const GzipSink&) = delete;

    void write(const void* data, size_t size) override;
    // Writes the final block and the trailer, then finishes `next`.
    void finish() override;

private:
    void pump(int flush);

    struct State;
    std::unique_ptr<State> m_state;
    ByteSink& m_next;
    bool m_finished = false;
};

} // namespace layerscope::io
