// SPDX-License-Identifier: Apache-2.0
#include "image/filerangesource.h"

#include "common/error.h"
#include "io/platformfile.h"
#include "io/win32path.h"

#include <windows.h>

namespace layerscope::image {

FileRangeSource::FileRangeSource(const std::filesystem::path& path, uint64_t offset, uint64_t length, std::string name)
    : m_offset(offset)
    , m_length(length)
    , m_name(std::move(name))
{
    // FILE_SHARE_WRITE: a file still open for writing elsewhere in this process (squash's spill file, read back by
    // position while it grows) can only be opened by a caller that lets others write; without it Windows answers
    // with a sharing violation (error 32). Long paths get the "\\?\" form.
    HANDLE handle = CreateFileW(io::win32ApiPath(path).c_str(), GENERIC_READ,
                                FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                                FILE_FLAG_SEQUENTIAL_SCAN, nullptr);
    if (handle == INVALID_HANDLE_VALUE)
        throw Error({io::pathToUtf8(path), {}, {}, {}},
                    "cannot open (Windows error " + std::to_string(GetLastError()) + ")");
    m_handle = reinterpret_cast<intptr_t>(handle);
}

FileRangeSource::~FileRangeSource()
{
    if (m_handle != -1)
        CloseHandle(reinterpret_cast<HANDLE>(m_handle));
}

size_t FileRangeSource::readAt(uint64_t at, void* buffer, size_t size) const
{
    // ReadFile takes a DWORD count; an OVERLAPPED offset on a synchronous handle makes it a positioned read.
    const DWORD want = size > 0x40000000 ? 0x40000000 : static_cast<DWORD>(size);
    OVERLAPPED position {};
    position.Offset = static_cast<DWORD>(at & 0xFFFFFFFF);
    position.OffsetHigh = static_cast<DWORD>(at >> 32);
    DWORD got = 0;
    if (!ReadFile(reinterpret_cast<HANDLE>(m_handle), buffer, want, &got, &position)) {
        if (GetLastError() == ERROR_HANDLE_EOF)
            return 0;
        throw Error({m_name, {}, {}, at >= m_offset ? at - m_offset : at},
                    "read failed (Windows error " + std::to_string(GetLastError()) + ")");
    }
    return got;
}

} // namespace layerscope::image
