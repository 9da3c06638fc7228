// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "disk/volumelocator.h"

#include <libbfio.h>

#include <string>

namespace layerscope::disk {

class VirtualDisk;

// A libbfio handle over one byte range of a virtual disk, so that libfsntfs reads the NTFS volume straight
// through libvhdi: libfsntfs opens volumes only from a path or a libbfio handle, and libbfio's custom handles
// (libbfio_handle_initialize with our own read and seek) are the way its author provides for sources that are
// not files. Nothing is copied or extracted. The handle owns a small state object; the disk must outlive it.
class VolumeIoHandle
{
public:
    VolumeIoHandle(const VirtualDisk& disk, const VolumeRange& range);
    ~VolumeIoHandle();
    VolumeIoHandle(const VolumeIoHandle&) = delete;
    VolumeIoHandle& operator=(const VolumeIoHandle&) = delete;

    libbfio_handle_t* handle() const { return m_handle; }
    // What the last failed read said (a layerscope::Error's text cannot cross libbfio's C callbacks, so it is kept
    // here for the caller to report).
    std::string lastReadError() const;

    struct State; // what libbfio's callbacks see

private:
    libbfio_handle_t* m_handle = nullptr;
    State* m_state = nullptr; // owned by m_handle (LIBBFIO_FLAG_IO_HANDLE_MANAGED)
};

} // namespace layerscope::disk
