// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "bytesource.h"

#include <functional>
#include <memory>

namespace layerscope::io {

// Passes another source through unchanged and shows every chunk read to an observer. Placed between a file and
// its decompressor, it lets the caller hash the stored bytes (the OCI layer digest) in the same pass that
// decodes them.
class ObservedSource final : public ByteSource
{
public:
    using Observer = std::function<void(const uint8_t* data, size_t size)>;

    ObservedSource(std::unique_ptr<ByteSource> inner, Observer observer);

    size_t read(void* buffer, size_t size) override;
    uint64_t storedPosition() const override { return m_inner->storedPosition(); }
    uint64_t storedSize() const override { return m_inner->storedSize(); }
    const std::string& name() const override { return m_inner->name(); }
    std::optional<std::span<const uint8_t>> borrow(size_t size) override;

private:
    std::unique_ptr<ByteSource> m_inner;
    Observer m_observer;
};

} // namespace layerscope::io
