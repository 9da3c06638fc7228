// SPDX-License-Identifier: Apache-2.0
#include "filesource.h"

#include <algorithm>
#include <cstring>

namespace layerscope::io {

FileSource::FileSource(const std::filesystem::path& path, size_t bufferSize)
    : m_file(PlatformFile::openForReading(path))
    , m_size(m_file.size())
    , m_bufferSize(std::max<size_t>(bufferSize, 4096))
{ }

size_t FileSource::read(void* buffer, size_t size)
{
    if (size == 0)
        return 0;
    if (m_bufferBegin == m_bufferEnd) {
        if (size >= m_bufferSize) {
            const size_t n = m_file.read(buffer, size);
            m_position += n;
            return n;
        }
        // Allocated on first use: a source read only in large chunks never needs it.
        if (!m_buffer)
            m_buffer = std::make_unique_for_overwrite<uint8_t[]>(m_bufferSize);
        m_bufferBegin = 0;
        m_bufferEnd = m_file.read(m_buffer.get(), m_bufferSize);
        if (m_bufferEnd == 0)
            return 0;
    }
    const size_t n = std::min(size, m_bufferEnd - m_bufferBegin);
    std::memcpy(buffer, m_buffer.get() + m_bufferBegin, n);
    m_bufferBegin += n;
    m_position += n;
    return n;
}

} // namespace layerscope::io
