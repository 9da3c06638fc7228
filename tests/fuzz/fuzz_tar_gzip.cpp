// SPDX-License-Identifier: Apache-2.0
// The input is a tar stream; the harness gzips it (zlib, fastest level) and scans the result, so the fuzzer mutates
// tar structure while every input also runs through the gzip path (ISA-L's inflate where present) and the
// read-ahead thread, as real layers do.
#include "fuzzsupport.h"
#include "index/layerscan.h"

#include <zlib.h>

#include <memory>

namespace {

std::vector<uint8_t> gzip(const uint8_t* data, size_t size)
{
    z_stream stream {};
    // windowBits 15 + 16: a gzip wrapper rather than zlib's.
    FUZZ_CHECK(deflateInit2(&stream, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK, "deflateInit2");
    std::vector<uint8_t> out(deflateBound(&stream, static_cast<uLong>(size)) + 32);
    stream.next_in = const_cast<Bytef*>(data);
    stream.avail_in = static_cast<uInt>(size);
    stream.next_out = out.data();
    stream.avail_out = static_cast<uInt>(out.size());
    FUZZ_CHECK(deflate(&stream, Z_FINISH) == Z_STREAM_END, "deflate");
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    try {
        auto source = std::make_unique<io::MemorySource>(gzip(data, size), "fuzz.tar.gz");
        const index::LayerScan scan = index::scanLayer(std::move(source));
        FUZZ_CHECK(scan.compression == io::Compression::Gzip, "gzip not detected");
        FUZZ_CHECK(scan.uncompressedSize == size, "uncompressed size differs from the tar's");
    } catch (const Error&) { }
    return 0;
}
