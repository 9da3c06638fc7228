// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace layerscope::disk {

// A VHDX or VHD file (fixed, dynamic or differencing) as the flat run of bytes its guest sees, read through libvhdi.
// A differencing disk is opened with its parent chain: the parent is looked up beside the child by the file name the
// child records (libvhdi gives the name; where to look is our choice, the folder Windows' layer folders keep them
// in). Throws layerscope::Error naming the file when a header is damaged and naming the parent path when a parent is
// missing.
class VirtualDisk
{
public:
    explicit VirtualDisk(const std::filesystem::path& path);
    ~VirtualDisk();
    VirtualDisk(const VirtualDisk&) = delete;
    VirtualDisk& operator=(const VirtualDisk&) = delete;

    // The guest-visible size in bytes.
    uint64_t size() const { return m_size; }
    const std::string& name() const { return m_name; }

    // Reads up to `length` bytes at guest offset `offset`; short only at the end of the disk. Throws
    // layerscope::Error naming the file and the offset when libvhdi cannot read (a damaged block table).
    size_t readAt(uint64_t offset, void* buffer, size_t length) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::string m_name;
    uint64_t m_size = 0;
};

} // namespace layerscope::disk
