// SPDX-License-Identifier: Apache-2.0
#include "observedsource.h"

namespace layerscope::io {

ObservedSource::ObservedSource(std::unique_ptr<ByteSource> inner, Observer observer)
    : m_inner(std::move(inner))
    , m_observer(std::move(observer))
{ }

size_t ObservedSource::read(void* buffer, size_t size)
{
    const size_t n = m_inner->read(buffer, size);
    if (n > 0 && m_observer)
        m_observer(static_cast<const uint8_t*>(buffer), n);
    return n;
}

std::optional<std::span<const uint8_t>> ObservedSource::borrow(size_t size)
{
    auto view = m_inner->borrow(size);
    if (view && !view->empty())
        m_observer(view->data(), view->size());
    return view;
}

} // namespace layerscope::io
