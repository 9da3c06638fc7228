// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "io/bytesource.h"

#include <cstdint>
#include <filesystem>
#include <string>

namespace layerscope::image {

// Reads `length` bytes starting at `offset` of a file: a member of an uncompressed tar archive (an OCI archive or a
// docker save archive) read in place, without extracting it. Reads are positioned (pread / ReadFile with an
// offset), so several members of one archive can be open at once. The platform half lives in
// filerangesource_posix.cpp / filerangesource_win32.cpp; io::PlatformFile only reads sequentially.
class FileRangeSource final : public io::ByteSource
{
public:
    // `name` is used in error messages, e.g. "image.tar@blobs/sha256/ab12…".
    FileRangeSource(const std::filesystem::path& path, uint64_t offset, uint64_t length, std::string name);
    ~FileRangeSource() override;
    FileRangeSource(const FileRangeSource&) = delete;
    FileRangeSource& operator=(const FileRangeSource&) = delete;

    size_t read(void* buffer, size_t size) override;
    uint64_t storedPosition() const override { return m_position; }
    uint64_t storedSize() const override { return m_length; }
    const std::string& name() const override { return m_name; }

    // Reads at most `size` bytes at absolute file offset `at`, whatever the range; 0 at the end of the file. Moves
    // nothing, so random access (a VHDX log replay) can use it too. Platform specific.
    size_t readAt(uint64_t at, void* buffer, size_t size) const;

private:
    intptr_t m_handle = -1; // file descriptor or HANDLE
    uint64_t m_offset = 0;
    uint64_t m_length = 0;
    uint64_t m_position = 0;
    std::string m_name;
};

} // namespace layerscope::image
