// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "bytesource.h"
#include "platformfile.h"

#include <filesystem>
#include <memory>

namespace layerscope::io {

// Reads a file front to back. Small reads are served from one large buffer (so the OS sees few, big
// requests); reads at least as large as that buffer go straight into the caller's memory without a copy.
class FileSource final : public ByteSource
{
public:
    static constexpr size_t DefaultBufferSize = size_t(1) << 20;

    explicit FileSource(const std::filesystem::path& path, size_t bufferSize = DefaultBufferSize);

    size_t read(void* buffer, size_t size) override;
    // Bytes handed to the caller so far (not what the OS has read ahead), so error offsets are exact.
    uint64_t storedPosition() const override { return m_position; }
    uint64_t storedSize() const override { return m_size; }
    const std::string& name() const override { return m_file.name(); }

private:
    PlatformFile m_file;
    uint64_t m_size = 0;
    uint64_t m_position = 0;
    size_t m_bufferSize;
    std::unique_ptr<uint8_t[]> m_buffer;
    size_t m_bufferBegin = 0;
    size_t m_bufferEnd = 0;
};

} // namespace layerscope::io
