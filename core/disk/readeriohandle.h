// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "disk/libyal.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace layerscope::disk {

// A read-only libbfio handle over bytes we produce ourselves: an NTFS volume inside a virtual disk (for libfsntfs)
// and a VHDX file with its log replayed in memory (for libvhdi). The libyal libraries open sources only from a path
// or a libbfio handle, and libbfio's custom handles (libbfio_handle_initialize with our own read and seek) are the
// way their author provides for sources that are not files. Nothing is copied or extracted.
class ReaderIoHandle
{
public:
    // `read(offset, buffer, length)` returns up to `length` bytes at `offset` (short only at the end) and may throw;
    // it must stay valid as long as the handle (and any clone libbfio makes of it).
    using Read = std::function<size_t(uint64_t offset, void* buffer, size_t length)>;
    ReaderIoHandle(const std::string& name, uint64_t size, Read read);
    ~ReaderIoHandle();
    ReaderIoHandle(const ReaderIoHandle&) = delete;
    ReaderIoHandle& operator=(const ReaderIoHandle&) = delete;

    libbfio_handle_t* handle() const { return m_handle; }
    // What the last failed read said (a layerscope::Error's text cannot cross the libraries' C callbacks, so it is
    // kept here for the caller to report).
    std::string lastReadError() const;

    struct State; // what libbfio's callbacks see

private:
    libbfio_handle_t* m_handle = nullptr;
    State* m_state = nullptr; // owned by m_handle (LIBBFIO_FLAG_IO_HANDLE_MANAGED)
};

} // namespace layerscope::disk
