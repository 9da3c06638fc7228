// SPDX-License-Identifier: Apache-2.0
#include "decompressingsource.h"

#include "archivefiltersource.h"
#include "filesource.h"
#include "passthroughsource.h"
#include "zlibgzipsource.h"
#if LAYERSCOPE_HAVE_ISAL
#include "isalgzipsource.h"
#endif

namespace layerscope::io {

bool isalAvailable()
{
#if LAYERSCOPE_HAVE_ISAL
    return true;
#else
    return false;
#endif
}

std::unique_ptr<DecompressingSource> openDecompressed(std::unique_ptr<ByteSource> raw, const DecompressOptions& options)
{
    // ByteSource::read may return short counts, so gather the magic in a loop; the bytes read here become the
    // first input of whichever decoder is chosen.
    std::vector<uint8_t> head(CompressionMagicSize);
    size_t filled = 0;
    while (filled < head.size()) {
        const size_t n = raw->read(head.data() + filled, head.size() - filled);
        if (n == 0)
            break;
        filled += n;
    }
    head.resize(filled);

    const Compression compression = detectCompression(head);
    switch (compression) {
    case Compression::None:
        return std::make_unique<PassthroughSource>(std::move(raw), std::move(head));
    case Compression::Gzip:
#if LAYERSCOPE_HAVE_ISAL
        if (options.preferIsal)
            return std::make_unique<IsalGzipSource>(std::move(raw), head);
#endif
        return std::make_unique<ZlibGzipSource>(std::move(raw), head);
    case Compression::Zstd:
    case Compression::Xz:
    case Compression::Bzip2:
        break;
    }
    (void)options; // only consulted for gzip, and only when ISA-L is built in
    return std::make_unique<ArchiveFilterSource>(std::move(raw), std::move(head), compression);
}

std::unique_ptr<DecompressingSource> openDecompressedFile(const std::filesystem::path& path,
                                                          const DecompressOptions& options)
{
    return openDecompressed(std::make_unique<FileSource>(path), options);
}

} // namespace layerscope::io
