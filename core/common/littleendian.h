// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

namespace layerscope {

// Little-endian integers of on-disk structures (VHDX, partition tables), byte by byte: no alignment or host-order
// assumptions.
inline uint16_t le16(const uint8_t* p)
{
    return static_cast<uint16_t>(p[0] | p[1] << 8);
}
inline uint32_t le32(const uint8_t* p)
{
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
inline uint64_t le64(const uint8_t* p)
{
    return uint64_t(le32(p)) | uint64_t(le32(p + 4)) << 32;
}

} // namespace layerscope
