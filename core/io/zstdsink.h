// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "bytesink.h"

#include <memory>

namespace layerscope::io {

// Compresses into a zstd frame (with content checksum) and writes it to another sink. Single-threaded
// compression, so the output depends only on the input and the level: identical layers get identical digests.
class ZstdSink final : public ByteSink
{
public:
    static constexpr int DefaultLevel = 3; // zstd's own default

    // `next` must outlive this sink.
    explicit ZstdSink(ByteSink& next, int level = DefaultLevel);
    ~ZstdSink() override;
    ZstdSink(const ZstdSink&) = delete;
    ZstdSink& operator=(const ZstdSink&) = delete;

    void write(const void* data, size_t size) override;
    // Ends the frame, then finishes `next`.
    void finish() override;

private:
    struct State;
    std::unique_ptr<State> m_state;
    ByteSink& m_next;
    bool m_finished = false;
};

} // namespace layerscope::io
