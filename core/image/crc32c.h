// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>

namespace layerscope::image {

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), which MS-VHDX uses for its headers, region tables and log
// entries. Written here because zlib only offers the IEEE CRC-32 and libcrypto offers neither. Chains:
// crc32c(b, n, crc32c(a, m)) is the CRC of a followed by b.
uint32_t crc32c(const uint8_t* data, size_t size, uint32_t previous = 0);

} // namespace layerscope::image
