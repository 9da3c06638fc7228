// SPDX-License-Identifier: Apache-2.0
// The VHDX header reader (MS-VHDX §2.2, §2.6). A VHDX's structures sit at fixed offsets up to 256 KiB and its
// metadata region usually at 1 MiB, so the input is not the file: it is cut into 4 KiB pieces placed at
//   0 (file type identifier), 64 KiB and 128 KiB (headers), 192 KiB and 256 KiB (region tables),
//   2 MiB (metadata table), 2 MiB + 64 KiB, 2 MiB + 68 KiB, ... (metadata items)
// of a sparse file (where Hyper-V puts them: the log at 1 MiB, metadata at 2 MiB), and the CRC-32C of each header and
// region table is filled in unless the input's last byte is odd (a fuzzer cannot find checksums, and without them it
// would never get past the headers).
#include "fuzzsupport.h"
#include "image/crc32c.h"
#include "image/vhdxinfo.h"

#include <algorithm>
#include <cstring>

namespace {

constexpr size_t KiB = 1024;
constexpr size_t Piece = 4 * KiB;

// The harness fills in what the fuzzer cannot find, with the core's CRC-32C (the VHDX fixtures made by qemu-img
// check the core's against another implementation).
void fixChecksum(std::vector<uint8_t>& file, size_t offset, size_t length)
{
    std::memset(file.data() + offset + 4, 0, 4);
    const uint32_t crc = layerscope::image::crc32c(file.data() + offset, length);
    for (int i = 0; i < 4; ++i)
        file[offset + 4 + size_t(i)] = uint8_t(crc >> (8 * i));
}

// Writes only the 4 KiB blocks that are not all zero: a 2 MiB file per run would cost more than the parsing.
void writeSparse(const std::filesystem::path& path, const std::vector<uint8_t>& file)
{
    std::error_code ec;
    std::filesystem::remove(path, ec); // see fuzzsupport::writeFile
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        for (size_t at = 0; at < file.size(); at += Piece) {
            const size_t n = std::min(Piece, file.size() - at);
            if (std::all_of(file.begin() + ptrdiff_t(at), file.begin() + ptrdiff_t(at + n),
                            [](uint8_t b) { return !b; }))
                continue;
            out.seekp(std::streamoff(at));
            out.write(reinterpret_cast<const char*>(file.data() + at), std::streamsize(n));
        }
        FUZZ_CHECK(out.good(), "cannot write the scratch file");
    }
    std::filesystem::resize_file(path, file.size());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    if (size > 64 * Piece)
        return 0;
    const size_t fixed[] = {0, 64 * KiB, 128 * KiB, 192 * KiB, 256 * KiB, 2048 * KiB};
    // Pieces go to increasing offsets and never overlap, so the file ends where the last piece ends: the fuzzer
    // also controls truncation.
    std::vector<uint8_t> file;
    for (size_t piece = 0; piece * Piece < size; ++piece) {
        const size_t at = piece < 6 ? fixed[piece] : 2112 * KiB + (piece - 6) * Piece;
        const size_t n = std::min(Piece, size - piece * Piece);
        file.resize(at + n);
        std::memcpy(file.data() + at, data + piece * Piece, n);
    }
    const bool fix = size == 0 || !(data[size - 1] & 1);
    if (fix) {
        for (size_t at : {64 * KiB, 128 * KiB})
            if (file.size() >= at + Piece)
                fixChecksum(file, at, Piece);
        for (size_t at : {192 * KiB, 256 * KiB})
            if (file.size() >= at + 64 * KiB)
                fixChecksum(file, at, 64 * KiB);
    }
    const auto path = fuzzsupport::ScratchFolder::path() / "fuzz.vhdx";
    writeSparse(path, file);
    try {
        const image::VhdxInfo info = image::readVhdxInfo(path);
        FUZZ_CHECK(info.fileSize == file.size(), "file size misread");
    } catch (const Error&) { }
    return 0;
}
