// SPDX-License-Identifier: Apache-2.0
// The tar/PAX/GNU reader alone, fast: no decompression thread, no hashing, a 4 KiB buffer so that headers, PAX
// payloads and data straddle refills. Entries are decoded as Windows entries (PAX times, attributes, security
// descriptors, links), and data is read alternately copied (readData) and borrowed (readDataChunk), which must
// agree on how much there is. fuzz_tar runs the whole pipeline; this one gets through many more inputs per second.
#include "fuzzsupport.h"
#include "tar/tarreader.h"
#include "wcow/entrydecoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    io::MemorySource source(std::vector<uint8_t>(data, data + size), "fuzz.tar");
    try {
        tar::TarReader reader(source, 4096);
        tar::TarHeader header;
        std::vector<wcow::Problem> problems;
        uint8_t buffer[1000];
        for (uint64_t n = 0; reader.next(header); ++n) {
            problems.clear();
            (void)wcow::decodeEntry(header, problems);
            const uint64_t expected = reader.dataRemaining();
            uint64_t read = 0;
            if (n % 2) {
                for (size_t got; (got = reader.readData(buffer, sizeof buffer)) > 0;)
                    read += got;
            } else {
                for (std::span<const uint8_t> chunk; !(chunk = reader.readDataChunk(777)).empty();)
                    read += chunk.size();
            }
            FUZZ_CHECK(read == expected, "read a different amount of data than the entry declares");
            FUZZ_CHECK(header.dataOffset <= reader.offset(), "data before its header");
        }
        FUZZ_CHECK(reader.atEnd(), "next() returned false before the end");
        FUZZ_CHECK(reader.offset() == size, "the reader did not consume the whole stream");
    } catch (const Error&) { }
    return 0;
}
