// SPDX-License-Identifier: Apache-2.0
// The NTFS walk inside a disk (core/disk: libvhdi, the volume locator, libfsntfs through our libbfio handle, and
// the walker that turns what libfsntfs says into a tree). The input is the volume (or a partitioned disk's first
// bytes); the harness makes it a fixed VHD by appending the 512-byte footer ("Virtual Hard Disk Image Format
// Specification", Appendix: Hard Disk Footer Format) with its checksum filled in, since a fuzzer cannot find
// checksums and would never get past libvhdi. Then the start of every file's and stream's data is read, as previews
// and hashes read it. Seeds: tests/fixtures/ntfsdisks.py's seed-volume.raw.
#include "fuzzsupport.h"

#include "common/error.h"
#include "disk/diskscan.h"
#include "disk/ntfsvolume.h"

#include <cstring>

namespace {

void putBig(std::vector<uint8_t>& out, size_t at, uint64_t value, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        out[at + size_t(i)] = uint8_t(value >> (8 * (bytes - 1 - i)));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    if (size > (size_t(8) << 20))
        return 0;
    // The disk: the input padded to whole sectors (at least one), then the footer.
    const size_t diskSize = std::max<size_t>(512, (size + 511) / 512 * 512);
    std::vector<uint8_t> file(diskSize + 512, 0);
    std::memcpy(file.data(), data, size);
    const size_t f = diskSize;
    std::memcpy(file.data() + f, "conectix", 8);
    putBig(file, f + 8, 2, 4); // features: reserved bit set
    putBig(file, f + 12, 0x00010000, 4); // version 1.0
    putBig(file, f + 16, UINT64_MAX, 8); // data offset: none for a fixed disk
    std::memcpy(file.data() + f + 28, "fuzz", 4);
    putBig(file, f + 40, diskSize, 8); // original size
    putBig(file, f + 48, diskSize, 8); // current size
    putBig(file, f + 60, 2, 4); // disk type: fixed
    uint32_t sum = 0;
    for (size_t i = 0; i < 512; ++i)
        sum += file[f + i];
    putBig(file, f + 64, ~sum, 4);

    const auto path = fuzzsupport::ScratchFolder::path() / "fuzz.vhd";
    fuzzsupport::writeFile(path, file);
    try {
        const disk::NtfsVolume volume(path);
        index::ScanOptions options;
        options.hashFiles = false;
        const index::LayerScan scan = disk::scanVolume(volume, options, {});
        FUZZ_CHECK(scan.counts.entries == scan.index.recordCount(), "counted entries differ from the tree");
        // The data path (previews, exports, the hashes of a diff): the start of every file and stream, as
        // libfsntfs reads it through the run lists. Only the start: a sparse file may declare any size, and
        // reading it all would be right but slow.
        std::vector<uint8_t> buffer(64 * 1024);
        for (const auto& r : scan.index.records()) {
            if (r.type != wcow::EntryType::File && r.type != wcow::EntryType::Stream)
                continue;
            std::string file = scan.index.path(r.node);
            std::string stream;
            if (r.type == wcow::EntryType::Stream) {
                const size_t colon = file.rfind(':');
                stream = file.substr(colon + 1);
                file.resize(colon);
            }
            try {
                const auto source = volume.open(file, stream);
                size_t total = 0;
                while (total < buffer.size()) {
                    const size_t n = source->read(buffer.data(), buffer.size() - total);
                    if (n == 0)
                        break;
                    total += n;
                }
                // Against the opened entry's size, not the record's: a case-insensitive lookup may find a name's
                // POSIX-namespace twin.
                FUZZ_CHECK(total == std::min<uint64_t>(source->storedSize(), buffer.size()),
                           "read other than the size says");
            } catch (const Error&) { }
        }
    } catch (const Error&) { }
    return 0;
}
