// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "bytesource.h"
#include "compression.h"

#include <filesystem>
#include <memory>

namespace layerscope::io {

// The decompressed bytes of a stored stream whose compression was recognised from its magic bytes (plain
// data passes through untouched). storedPosition()/storedSize() are those of the stored (compressed) stream,
// so progress tracks what the user waits for; decoding errors throw layerscope::Error naming the file and the
// stored byte offset. Memory use is fixed: one input buffer and the decoder's own window.
class DecompressingSource : public ByteSource
{
public:
    virtual Compression compression() const = 0;
    // Which implementation decodes: "none", "isa-l" or "zlib" (gzip), "libarchive" (zstd, xz, bzip2); for
    // diagnostics and tests.
    virtual const char* decoder() const = 0;
};

struct DecompressOptions
{
    // Use ISA-L's inflate for gzip when it was built in (several times faster than zlib); false forces the
    // portable zlib decoder, which tests use to check that both paths agree.
    bool preferIsal = true;
};

// True when this build has ISA-L's inflate for gzip.
bool isalAvailable();

// Peeks at the first bytes of `raw` (handing them on to the decoder, so nothing is lost) and wraps it in the
// matching decoder.
std::unique_ptr<DecompressingSource> openDecompressed(std::unique_ptr<ByteSource> raw,
                                                      const DecompressOptions& options = {});
std::unique_ptr<DecompressingSource> openDecompressedFile(const std::filesystem::path& path,
                                                          const DecompressOptions& options = {});

} // namespace layerscope::io
