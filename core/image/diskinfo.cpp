// SPDX-License-Identifier: Apache-2.0
#include "image/diskinfo.h"

#include "common/error.h"
#include "image/filerangesource.h"
#include "io/platformfile.h"

#include <cstring>
#include <iterator>
#include <optional>
#include <string_view>
#include <vector>

namespace layerscope::image {

namespace {

// "Virtual Hard Disk Image Format Specification" (Microsoft, 2006): a 512-byte footer, big-endian, at the end of
// every VHD (511 bytes in images from Virtual PC before 2004) and copied to offset 0 in dynamic disks.
constexpr size_t FooterSize = 512;
constexpr char FooterCookie[] = "conectix";
constexpr char DynamicCookie[] = "cxsparse";
constexpr size_t DynamicHeaderSize = 1024;
constexpr uint64_t NoOffset = ~uint64_t(0);
// Footer fields.
constexpr size_t FooterDataOffset = 16;
constexpr size_t FooterCreatorApplication = 28;
constexpr size_t FooterCreatorVersion = 32;
constexpr size_t FooterCurrentSize = 48;
constexpr size_t FooterDiskType = 60;
constexpr size_t FooterChecksum = 64;
// Dynamic disk header fields.
constexpr size_t DynamicBlockSize = 32;
constexpr size_t DynamicChecksum = 36;
constexpr size_t DynamicParentName = 64; // 512 bytes of UTF-16BE
constexpr size_t DynamicLocators = 576; // 8 entries of 24 bytes
constexpr uint32_t MaxLocatorBytes = 64 * 1024;

uint32_t be32(const uint8_t* p)
{
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}
uint64_t be64(const uint8_t* p)
{
    return uint64_t(be32(p)) << 32 | be32(p + 4);
}

class DiskFile
{
public:
    explicit DiskFile(const std::filesystem::path& path)
        : m_path(path)
        , m_name(io::pathToUtf8(path))
    {
        std::error_code ec;
        m_size = std::filesystem::file_size(path, ec);
        if (ec)
            throw Error({m_name, {}, {}, {}}, "cannot read: " + ec.message());
    }

    uint64_t size() const { return m_size; }
    const std::string& name() const { return m_name; }

    // Up to `length` bytes at `offset` (fewer at the end of the file).
    std::vector<uint8_t> read(uint64_t offset, uint64_t length) const
    {
        if (offset >= m_size)
            return {};
        length = std::min(length, m_size - offset);
        FileRangeSource source(m_path, offset, length, m_name);
        std::vector<uint8_t> bytes(static_cast<size_t>(length));
        size_t done = 0;
        while (done < bytes.size()) {
            const size_t got = source.read(bytes.data() + done, bytes.size() - done);
            if (got == 0)
                break;
            done += got;
        }
        bytes.resize(done);
        return bytes;
    }

    [[noreturn]] void fail(uint64_t offset, const std::string& message) const
    {
        throw Error({m_name, {}, {}, offset}, message);
    }

private:
    std::filesystem::path m_path;
    std::string m_name;
    uint64_t m_size = 0;
};

// The footer's offset: the last 512 bytes, the last 511 (old Virtual PC), or the copy at 0 when the end is damaged.
std::optional<uint64_t> findFooter(const DiskFile& file)
{
    if (file.size() < FooterSize - 1)
        return std::nullopt;
    for (const uint64_t at : {file.size() - FooterSize, file.size() - (FooterSize - 1), uint64_t(0)}) {
        if (at > file.size())
            continue;
        const auto bytes = file.read(at, 8);
        if (bytes.size() == 8 && std::memcmp(bytes.data(), FooterCookie, 8) == 0)
            return at;
    }
    return std::nullopt;
}

// The spec's checksum: the one's complement of the sum of all bytes, the checksum field taken as zero.
uint32_t vhdChecksum(const std::vector<uint8_t>& bytes, size_t checksumAt)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < bytes.size(); ++i)
        if (i < checksumAt || i >= checksumAt + 4)
            sum += bytes[i];
    return ~sum;
}

std::string utf16ToUtf8(const uint8_t* p, size_t bytes, bool bigEndian)
{
    std::string out;
    auto unit = [&](size_t i) { return bigEndian ? uint32_t(p[i] << 8 | p[i + 1]) : uint32_t(p[i] | p[i + 1] << 8); };
    for (size_t i = 0; i + 1 < bytes; i += 2) {
        uint32_t c = unit(i);
        if (c == 0)
            break;
        if (c >= 0xD800 && c < 0xDC00 && i + 3 < bytes && unit(i + 2) >= 0xDC00 && unit(i + 2) < 0xE000) {
            c = 0x10000 + ((c - 0xD800) << 10) + (unit(i + 2) - 0xDC00);
            i += 2;
        } else if (c >= 0xD800 && c < 0xE000) {
            c = 0xFFFD; // an unpaired surrogate, so that a damaged name still prints
        }
        if (c < 0x80) {
            out += char(c);
        } else if (c < 0x800) {
            out += char(0xC0 | c >> 6);
            out += char(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out += char(0xE0 | c >> 12);
            out += char(0x80 | (c >> 6 & 0x3F));
            out += char(0x80 | (c & 0x3F));
        } else {
            out += char(0xF0 | c >> 18);
            out += char(0x80 | (c >> 12 & 0x3F));
            out += char(0x80 | (c >> 6 & 0x3F));
            out += char(0x80 | (c & 0x3F));
        }
    }
    return out;
}

std::string printableTag(const uint8_t* p)
{
    std::string out;
    for (int i = 0; i < 4; ++i)
        out += (p[i] >= 0x20 && p[i] < 0x7f) ? char(p[i]) : '?';
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

VhdxInfo readVhdInfo(const DiskFile& file, uint64_t footerAt)
{
    VhdxInfo info;
    info.format = "VHD";
    info.path = file.name();
    info.fileSize = file.size();
    std::vector<uint8_t> footer = file.read(footerAt, FooterSize);
    footer.resize(FooterSize, 0); // a 511-byte footer lacks the last reserved byte
    const uint32_t stored = be32(footer.data() + FooterChecksum);
    if (const uint32_t computed = vhdChecksum(footer, FooterChecksum); computed != stored)
        file.fail(footerAt + FooterChecksum,
                  "VHD footer checksum mismatch (stored " + std::to_string(stored) + ", computed "
                      + std::to_string(computed) + ")");
    info.virtualSize = be64(footer.data() + FooterCurrentSize);
    info.logicalSectorSize = 512; // VHD knows no other sector size
    info.physicalSectorSize = 512;
    const uint32_t version = be32(footer.data() + FooterCreatorVersion);
    info.creator = printableTag(footer.data() + FooterCreatorApplication) + " " + std::to_string(version >> 16) + "."
        + std::to_string(version & 0xFFFF);
    const uint32_t type = be32(footer.data() + FooterDiskType);
    switch (type) {
    case 2:
        info.type = VhdxInfo::DiskType::Fixed;
        return info;
    case 3:
        info.type = VhdxInfo::DiskType::Dynamic;
        break;
    case 4:
        info.type = VhdxInfo::DiskType::Differencing;
        break;
    default:
        file.fail(footerAt + FooterDiskType, "unknown VHD disk type " + std::to_string(type));
    }

    // Dynamic and differencing disks: the dynamic disk header, with the block size and the parent's locators.
    const uint64_t headerAt = be64(footer.data() + FooterDataOffset);
    if (headerAt == NoOffset || headerAt > file.size() || file.size() - headerAt < DynamicHeaderSize)
        file.fail(footerAt + FooterDataOffset, "the VHD footer points at a dynamic disk header outside the file");
    const std::vector<uint8_t> header = file.read(headerAt, DynamicHeaderSize);
    if (std::memcmp(header.data(), DynamicCookie, 8) != 0)
        file.fail(headerAt, "no dynamic disk header (\"cxsparse\") where the VHD footer points");
    const uint32_t headerStored = be32(header.data() + DynamicChecksum);
    if (const uint32_t computed = vhdChecksum(header, DynamicChecksum); computed != headerStored)
        file.fail(headerAt + DynamicChecksum,
                  "VHD dynamic disk header checksum mismatch (stored " + std::to_string(headerStored) + ", computed "
                      + std::to_string(computed) + ")");
    info.blockSize = be32(header.data() + DynamicBlockSize);
    if (info.type != VhdxInfo::DiskType::Differencing)
        return info;

    const std::string parentName = utf16ToUtf8(header.data() + DynamicParentName, 512, true);
    if (!parentName.empty())
        info.parentLocator.emplace_back("parent_name", parentName);
    // Locators: W2ru holds a relative Windows path, W2ku an absolute one, both UTF-16LE.
    for (size_t i = 0; i < 8; ++i) {
        const uint8_t* entry = header.data() + DynamicLocators + 24 * i;
        const std::string code = printableTag(entry);
        const uint32_t length = be32(entry + 8);
        const uint64_t at = be64(entry + 16);
        if (be32(entry) == 0 || length == 0)
            continue;
        if (length > MaxLocatorBytes || at > file.size() || length > file.size() - at)
            file.fail(headerAt + DynamicLocators + 24 * i, "VHD parent locator " + code + " points outside the file");
        const auto bytes = file.read(at, length);
        if (code == "W2ru")
            info.parentLocator.emplace_back("relative_path", utf16ToUtf8(bytes.data(), bytes.size(), false));
        else if (code == "W2ku")
            info.parentLocator.emplace_back("absolute_win32_path", utf16ToUtf8(bytes.data(), bytes.size(), false));
        else
            info.parentLocator.emplace_back(code, std::string(bytes.begin(), bytes.end()));
    }
    for (const char* key : {"relative_path", "absolute_win32_path", "parent_name"})
        for (const auto& [k, v] : info.parentLocator)
            if (k == key && info.parentPath.empty())
                info.parentPath = v;
    if (info.parentPath.empty())
        file.fail(headerAt, "differencing VHD without a parent name or locator");
    return info;
}

std::string sizeText(uint64_t bytes)
{
    static constexpr const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    size_t unit = 0;
    uint64_t value = bytes;
    while (unit + 1 < std::size(units) && value >= 1024 && value % 1024 == 0) {
        value /= 1024;
        ++unit;
    }
    return std::to_string(value) + " " + units[unit];
}

} // namespace

DiskFormat detectDiskFormat(const std::filesystem::path& path)
{
    const DiskFile file(path);
    const auto start = file.read(0, 8);
    if (start.size() == 8 && std::memcmp(start.data(), "vhdxfile", 8) == 0)
        return DiskFormat::Vhdx;
    return findFooter(file) ? DiskFormat::Vhd : DiskFormat::None;
}

VhdxInfo readDiskInfo(const std::filesystem::path& path)
{
    switch (detectDiskFormat(path)) {
    case DiskFormat::Vhdx:
        return readVhdxInfo(path);
    case DiskFormat::Vhd: {
        const DiskFile file(path);
        return readVhdInfo(file, *findFooter(file));
    }
    case DiskFormat::None:
        break;
    }
    throw Error({io::pathToUtf8(path), {}, {}, 0}, "not a VHDX or VHD disk");
}

std::string diskSummary(const VhdxInfo& disk)
{
    std::string out = disk.format + " " + diskTypeName(disk.type) + " disk, " + sizeText(disk.virtualSize) + " virtual";
    if (disk.virtualSize >= 1024)
        out += " (" + std::to_string(disk.virtualSize) + " bytes)";
    if (disk.blockSize != 0)
        out += ", " + sizeText(disk.blockSize) + " blocks";
    if (disk.logicalSectorSize != 0)
        out += ", " + std::to_string(disk.logicalSectorSize) + "-byte sectors";
    if (!disk.parentPath.empty())
        out += ", parent " + disk.parentPath;
    if (disk.log)
        out += ", not closed cleanly (log of " + std::to_string(disk.log->entries) + " "
            + (disk.log->entries == 1 ? "entry" : "entries") + " replayed in memory)";
    return out;
}

} // namespace layerscope::image
