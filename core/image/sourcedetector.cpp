// SPDX-License-Identifier: Apache-2.0
#include "image/sourcedetector.h"

#include "common/error.h"
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
