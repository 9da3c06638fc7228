// SPDX-License-Identifier: Apache-2.0
// The VHDX log replay (MS-VHDX §2.3, image::VhdxReplay): the input is the LogGuid (16 bytes) and then the log region,
// padded to whole 4 KiB sectors. The scratch file holds the log at offset 0 and 64 KiB of known bytes after it, which
// the log's writes may land on (or past). Unless the input's last byte is odd, every sector that starts "loge" and
// names a length that fits gets its entry's CRC-32C filled in: a fuzzer cannot find checksums, and without them no
// entry would ever be valid.
//
// Beyond "no crash": the replayed file is at least as large as the file, reads nothing past its end, and reads the
// same whether asked in one piece or in odd-sized ones (the overlay's boundaries are right).
#include "common/littleendian.h"
#include "fuzzsupport.h"
#include "image/crc32c.h"
#include "image/vhdxlog.h"

#include <algorithm>
#include <cstring>

namespace {

constexpr size_t Sector = 4096;
constexpr size_t Tail = 64 * 1024;

// The CRC of the entry at `position` of the circular `log`, with its checksum field as zero.
void fixEntryChecksum(std::vector<uint8_t>& log, size_t position)
{
    const uint32_t length = layerscope::le32(log.data() + position + 8);
    if (length == 0 || length % Sector != 0 || length > log.size())
        return;
    std::memset(log.data() + position + 4, 0, 4);
    uint32_t crc = 0;
    for (size_t k = 0; k < length / Sector; ++k)
        crc = layerscope::image::crc32c(log.data() + (position + k * Sector) % log.size(), Sector, crc);
    for (int i = 0; i < 4; ++i)
        log[position + 4 + size_t(i)] = uint8_t(crc >> (8 * i));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    if (size < 16 || size > 16 + 64 * Sector)
        return 0;
    image::VhdxLogRegion region;
    std::memcpy(region.guid.data(), data, 16);
    std::vector<uint8_t> log(data + 16, data + size);
    log.resize(std::max<size_t>(Sector, (log.size() + Sector - 1) / Sector * Sector));
    if (!(data[size - 1] & 1))
        for (size_t at = 0; at < log.size(); at += Sector)
            if (std::memcmp(log.data() + at, "loge", 4) == 0)
                fixEntryChecksum(log, at);
    region.offset = 0;
    region.length = uint32_t(log.size());

    std::vector<uint8_t> file = log;
    for (size_t i = 0; i < Tail; ++i)
        file.push_back(uint8_t(i * 7 + 3));
    const auto path = fuzzsupport::ScratchFolder::path() / "fuzz.vhdx";
    fuzzsupport::writeFile(path, file);
    try {
        const image::VhdxReplay replay(path, region);
        FUZZ_CHECK(replay.size() >= file.size(), "the replayed file is smaller than the file");
        uint8_t past = 0;
        FUZZ_CHECK(replay.readAt(replay.size(), &past, 1) == 0, "read past the end");

        // The file and a little beyond (the log may write past its end), once whole and once in odd pieces.
        const size_t span = size_t(std::min<uint64_t>(replay.size(), file.size() + 2 * Sector));
        std::vector<uint8_t> whole(span);
        FUZZ_CHECK(replay.readAt(0, whole.data(), span) == span, "short read inside the file");
        std::vector<uint8_t> pieces(span);
        for (size_t at = 0; at < span;) {
            const size_t n = replay.readAt(at, pieces.data() + at, std::min<size_t>(4093, span - at));
            FUZZ_CHECK(n > 0, "short read inside the file");
            at += n;
        }
        FUZZ_CHECK(whole == pieces, "reads differ by how they are cut");
    } catch (const Error&) { }
    return 0;
}
