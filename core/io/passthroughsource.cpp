// SPDX-License-Identifier: Apache-2.0
#include "passthroughsource.h"

#include <algorithm>
#include <cstring>

namespace layerscope::io {

PassthroughSource::PassthroughSource(std::unique_ptr<ByteSource> raw, std::vector<uint8_t> head)
    : m_raw(std::move(raw))
    , m_head(std::move(head))
{ }

size_t PassthroughSource::read(void* buffer, size_t size)
{
    if (m_headPosition < m_head.size()) {
        const size_t n = std::min(size, m_head.size() - m_headPosition);
        std::memcpy(buffer, m_head.data() + m_headPosition, n);
        m_headPosition += n;
        return n;
    }
    return m_raw->read(buffer, size);
}

} // namespace layerscope::io
