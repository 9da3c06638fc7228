// SPDX-License-Identifier: Apache-2.0
// The whole layer pipeline on one stored blob, as `inspect` runs it: compression detected by magic bytes (plain,
// gzip, zstd, xz, bzip2), the tar/PAX/GNU reader, Windows entry decoding, the tree index and the layout checker,
// with every file hashed. Bad input must end in layerscope::Error; any other exception, crash or sanitizer report
// is a finding.
#include "fuzzsupport.h"
#include "index/layerscan.h"

#include <memory>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    try {
        auto source = std::make_unique<io::MemorySource>(std::vector<uint8_t>(data, data + size), "fuzz.tar");
        const index::LayerScan scan = index::scanLayer(std::move(source));
        FUZZ_CHECK(scan.counts.entries >= scan.counts.files, "more files than entries");
        // Every node of the tree has a path that leads back to it.
        for (index::NodeId node = 1; node < scan.index.nodeCount(); ++node)
            FUZZ_CHECK(!scan.index.path(node).empty(), "a node without a path");
    } catch (const Error&) { }
    return 0;
}
