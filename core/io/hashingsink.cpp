// SPDX-License-Identifier: Apache-2.0
#include "hashingsink.h"

namespace layerscope::io {

void HashingSink::write(const void* data, size_t size)
{
    m_hash.update(data, size);
    m_size += size;
    if (m_next)
        m_next->write(data, size);
}

void HashingSink::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_digest = m_hash.finish();
    if (m_next)
        m_next->finish();
}

} // namespace layerscope::io
