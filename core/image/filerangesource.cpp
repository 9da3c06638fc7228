// SPDX-License-Identifier: Apache-2.0
#include "image/filerangesource.h"

#include "common/error.h"

#include <algorithm>

namespace layerscope::image {

size_t FileRangeSource::read(void* buffer, size_t size)
{
    const uint64_t left = m_length - m_position;
    if (left == 0 || size == 0)
        return 0;
    const size_t want = static_cast<size_t>(std::min<uint64_t>(size, left));
    const size_t n = readAt(m_offset + m_position, buffer, want);
    if (n == 0)
        throw Error({m_name, {}, {}, m_position},
                    "file ends " + std::to_string(left) + " bytes before the end of this member (truncated archive?)");
    m_position += n;
    return n;
}

} // namespace layerscope::image
