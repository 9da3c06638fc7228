// SPDX-License-Identifier: Apache-2.0
#include "image/sourcedetector.h"

#include "common/error.h"
#include "image/diskinfo.h"
#include "image/layerfolderreader.h"
#include "io/decompressingsource.h"
#include "io/filesource.h"
#include "io/platformfile.h"
#include "tar/tarreader.h"

#include <algorithm>

namespace layerscope::image {

namespace fs = std::filesystem;

namespace {

// How many leading members decide whether a tar is an image archive or a layer: docker save and OCI archives
// start with their own bookkeeping names, layers with Files/, UtilityVM/ or a root filesystem.
constexpr int PeekMembers = 8;

bool isHex64(std::string_view s)
{
    return s.size() == 64
        && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool looksLikeArchiveMember(std::string name)
{
    name = TarBlobStore::normalise(name);
    if (name == "oci-layout" || name == "index.json" || name == "manifest.json" || name == "repositories"
        || name == "blobs" || name.starts_with("blobs/"))
        return true;
    const size_t slash = name.find('/');
    const std::string first = name.substr(0, slash);
    if (isHex64(first))
        return true; // legacy docker save: <v1-id>/layer.tar, <v1-id>/json, <v1-id>/VERSION
    return first.size() == 69 && first.ends_with(".json") && isHex64(first.substr(0, 64));
}

// What every "this is not something we read" message ends with: what the file could have been, and its first
// bytes, so that the user can tell what it is instead.
std::string notRecognised(const std::string& what, const std::vector<uint8_t>& start)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string bytes;
    for (size_t i = 0; i < std::min<size_t>(start.size(), 16); ++i) {
        bytes += (i ? " " : "");
        bytes += hex[start[i] >> 4];
        bytes += hex[start[i] & 15];
    }
    if (start.size() > 16)
        bytes += " …";
    return what + "not a tar archive, OCI layout, docker archive, VHDX/VHD disk or Windows layer folder; starts with "
        + bytes;
}

// Whether a block is where a tar archive starts: a header whose checksum holds (unsigned or, as historic writers
// summed, signed bytes; POSIX ustar "chksum"), or the zero block of an empty archive's end marker.
bool looksLikeTarHeader(const uint8_t* block)
{
    if (std::all_of(block, block + 512, [](uint8_t b) { return b == 0; }))
        return true;
    int64_t stored = 0;
    size_t i = 148;
    while (i < 156 && (block[i] == ' ' || block[i] == 0))
        ++i;
    size_t digits = 0;
    for (; i < 156 && block[i] >= '0' && block[i] <= '7'; ++i, ++digits)
        stored = stored * 8 + (block[i] - '0');
    for (; i < 156; ++i)
        if (block[i] != ' ' && block[i] != 0)
            return false;
    if (digits == 0)
        return false;
    int64_t unsignedSum = 0;
    int64_t signedSum = 0;
    for (size_t k = 0; k < 512; ++k) {
        const uint8_t b = (k >= 148 && k < 156) ? uint8_t(' ') : block[k];
        unsignedSum += b;
        signedSum += int8_t(b);
    }
    return stored == unsignedSum || stored == signedSum;
}

// Throws the "not a tar archive, ..." error unless the file (decompressed) starts like a tar archive.
void requireTar(const fs::path& path)
{
    const std::string name = io::pathToUtf8(path);
    std::vector<uint8_t> start(17); // one more than shown, to know whether to add "…"
    {
        io::FileSource raw(path);
        start.resize(raw.read(start.data(), start.size()));
    }
    if (start.empty())
        throw Error({name, {}, {}, 0}, notRecognised("an empty file (0 bytes): ", start));
    auto stream = io::openDecompressedFile(path);
    uint8_t block[512];
    size_t got = 0;
    try {
        while (got < sizeof block) {
            const size_t n = stream->read(block + got, sizeof block - got);
            if (n == 0)
                break;
            got += n;
        }
    } catch (const Error&) {
        // A damaged compressed stream: the layer reader reports where, in full.
        if (stream->compression() != io::Compression::None)
            return;
        throw;
    }
    if (got == sizeof block && looksLikeTarHeader(block))
        return;
    if (stream->compression() != io::Compression::None)
        throw Error({name, {}, {}, 0},
                    notRecognised(std::string(io::compressionName(stream->compression()))
                                      + "-compressed data that, decompressed, is ",
                                  std::vector<uint8_t>(block, block + got)));
    throw Error({name, {}, {}, 0}, notRecognised("", start));
}

bool peekSaysArchive(io::ByteSource& source)
{
    tar::TarReader reader(source);
    tar::TarHeader header;
    int seen = 0;
    while (seen < PeekMembers && reader.next(header)) {
        if (looksLikeArchiveMember(header.path))
            return true;
        ++seen;
    }
    return false;
}

} // namespace

bool isLayerBlob(const fs::path& path)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return false;
    if (detectDiskFormat(path) != DiskFormat::None)
        return false;
    requireTar(path);
    auto stream = io::openDecompressedFile(path);
    try {
        return !peekSaysArchive(*stream);
    } catch (const Error&) {
        return true; // not a tar we can read: the layer reader reports the problem in full
    }
}

Detection detectSource(const fs::path& path, Progress& progress)
{
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        throw Error({io::pathToUtf8(path), {}, {}, {}}, "no such file or folder");
    Detection d;
    if (fs::is_directory(status)) {
        if (fs::is_regular_file(path / "manifest.json", ec))
            d.kind = SourceKind::DockerArchive;
        else if (fs::is_regular_file(path / "oci-layout", ec) && fs::is_regular_file(path / "index.json", ec))
            d.kind = SourceKind::OciLayout;
        else if (isLayerFolder(path))
            d.kind = SourceKind::LayerFolder;
        else
            d.kind = SourceKind::Folder;
        return d;
    }

    // A FIFO, socket or device is refused here, with the reader's own message, before any detection reads from it.
    (void)io::PlatformFile::openForReading(path);
    // Virtual disks first: a VHD's signature is at its end, and a VHDX is no tar.
    if (detectDiskFormat(path) != DiskFormat::None) {
        d.kind = SourceKind::Disk;
        return d;
    }
    requireTar(path);
    auto stream = io::openDecompressedFile(path);
    const bool compressed = stream->compression() != io::Compression::None;
    bool archive = false;
    try {
        archive = peekSaysArchive(*stream);
    } catch (const Error&) {
        // Not a tar we can read: let the layer reader report the problem in full.
        return d;
    }
    if (!archive)
        return d;
    if (compressed)
        throw Error({io::pathToUtf8(path), {}, {}, {}},
                    std::string("this is a ") + io::compressionName(stream->compression())
                        + "-compressed image archive; decompress it first (image blobs are read in place, which "
                          "needs a plain tar)");
    stream.reset();
    d.archive = std::make_unique<TarBlobStore>(path, progress);
    if (d.archive->exists("manifest.json"))
        d.kind = SourceKind::DockerArchive;
    else if (d.archive->exists("oci-layout") && d.archive->exists("index.json"))
        d.kind = SourceKind::OciArchive;
    else
        throw Error({io::pathToUtf8(path), {}, {}, {}},
                    "looks like an image archive but has neither manifest.json (docker save) nor oci-layout and "
                    "index.json (OCI)");
    return d;
}

} // namespace layerscope::image
