// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "bytesink.h"

#include <cstdint>

namespace layerscope::io {

// Counts the bytes written and passes them on to another sink or (default constructor) nowhere: the size of a
// compressed layer for its descriptor, or the size of output that need not be kept.
class CountingSink final : public ByteSink
{
public:
    CountingSink() = default;
    // `next` must outlive this sink.
    explicit CountingSink(ByteSink& next)
        : m_next(&next)
    { }

    void write(const void* data, size_t size) override
    {
        m_count += size;
        if (m_next)
            m_next->write(data, size);
    }
    // Finishes `next`.
    void finish() override
    {
        if (m_next && !m_finished)
            m_next->finish();
        m_finished = true;
    }

    uint64_t count() const { return m_count; }

private:
    ByteSink* m_next = nullptr;
    uint64_t m_count = 0;
    bool m_finished = false;
};

} // namespace layerscope::io
