// SPDX-License-Identifier: Apache-2.0
#include "image/vhdxinfo.h"

#include "common/error.h"
#include "common/littleendian.h"
#include "image/crc32c.h"
#include "image/filerangesource.h"
#include "io/platformfile.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>

namespace layerscope::image {

const char* diskTypeName(VhdxInfo::DiskType type)
{
    switch (type) {
    case VhdxInfo::DiskType::Fixed:
        return "fixed";
    case VhdxInfo::DiskType::Dynamic:
        return "dynamic";
    case VhdxInfo::DiskType::Differencing:
        return "differencing";
    }
    return "unknown";
}

namespace {

using Guid = std::array<uint8_t, 16>;

// The on-disk (mixed-endian) form of a GUID written as text: the first three groups little-endian, the last two
// as bytes in order (MS-VHDX uses GUIDs "in their binary form").
Guid guid(std::string_view text)
{
    auto hex = [&](size_t at) {
        auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
        return static_cast<uint8_t>(nibble(text[at]) << 4 | nibble(text[at + 1]));
    };
    Guid g {};
    // Text positions of the 16 bytes, in on-disk order.
    static constexpr size_t positions[16] = {6, 4, 2, 0, 11, 9, 16, 14, 19, 21, 24, 26, 28, 30, 32, 34};
    for (size_t i = 0; i < 16; ++i)
        g[i] = hex(positions[i]);
    return g;
}

// MS-VHDX §2.2.3 and §2.6.2: the region and metadata items we read.
const Guid MetadataRegion = guid("8B7CA206-4790-4B9A-B8FE-575F050F886E");
const Guid FileParameters = guid("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
const Guid VirtualDiskSize = guid("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
const Guid LogicalSectorSize = guid("8141BF1D-A96F-4709-BA47-F233A8FAAB5F");
const Guid PhysicalSectorSize = guid("CDA348C7-445D-4471-9CC9-E9885251C556");
const Guid ParentLocator = guid("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");

constexpr uint64_t KiB = 1024;
constexpr uint64_t MiB = 1024 * KiB;
constexpr uint64_t HeaderOffsets[2] = {64 * KiB, 128 * KiB};
constexpr uint64_t RegionTableOffsets[2] = {192 * KiB, 256 * KiB};
constexpr uint32_t MaxItemLength = 1024 * 1024;

// UTF-16LE to UTF-8; unpaired surrogates become U+FFFD so that a damaged string still prints.
std::string utf16ToUtf8(const uint8_t* p, size_t bytes)
{
    std::string out;
    for (size_t i = 0; i + 1 < bytes; i += 2) {
        uint32_t c = le16(p + i);
        if (c >= 0xD800 && c < 0xDC00 && i + 3 < bytes) {
            const uint32_t low = le16(p + i + 2);
            if (low >= 0xDC00 && low < 0xE000) {
                c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
                i += 2;
            } else {
                c = 0xFFFD;
            }
        } else if (c >= 0xD800 && c < 0xE000) {
            c = 0xFFFD;
        }
        if (c == 0)
            break;
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
        } else if (c < 0x800) {
            out.push_back(static_cast<char>(0xC0 | c >> 6));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else if (c < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | c >> 12));
            out.push_back(static_cast<char>(0x80 | (c >> 6 & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | c >> 18));
            out.push_back(static_cast<char>(0x80 | (c >> 12 & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c >> 6 & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
    }
    return out;
}

class VhdxFile
{
public:
    VhdxFile(const std::filesystem::path& path)
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

    std::vector<uint8_t> read(uint64_t offset, uint64_t length, const char* what) const
    {
        const uint64_t size = m_replay ? m_replay->size() : m_size;
        if (offset > size || length > size - offset)
            fail(offset,
                 std::string("file ends before the ") + what + " (" + std::to_string(length) + " bytes at offset "
                     + std::to_string(offset) + ")");
        std::vector<uint8_t> bytes(static_cast<size_t>(length));
        size_t done = 0;
        if (m_replay) {
            while (done < bytes.size())
                done += m_replay->readAt(offset + done, bytes.data() + done, bytes.size() - done);
            return bytes;
        }
        FileRangeSource source(m_path, offset, length, m_name);
        while (done < bytes.size())
            done += source.read(bytes.data() + done, bytes.size() - done);
        return bytes;
    }

    // From here on, reads see the file with its log replayed.
    void replayLog(const VhdxLogRegion& region) { m_replay = std::make_unique<VhdxReplay>(m_path, region); }
    const VhdxReplay* replay() const { return m_replay.get(); }

    [[noreturn]] void fail(uint64_t offset, const std::string& message) const
    {
        throw Error({m_name, {}, {}, offset}, message);
    }

private:
    std::filesystem::path m_path;
    std::string m_name;
    uint64_t m_size = 0;
    std::unique_ptr<VhdxReplay> m_replay;
};

bool checksumHolds(std::vector<uint8_t> block)
{
    const uint32_t stored = le32(block.data() + 4);
    std::memset(block.data() + 4, 0, 4);
    return crc32c(block.data(), block.size()) == stored;
}

} // namespace

VhdxInfo readVhdxInfo(const std::filesystem::path& path)
{
    VhdxFile file(path);
    VhdxInfo info;
    info.path = file.name();
    info.fileSize = file.size();

    // §2.2.1: the file type identifier.
    const auto identifier = file.read(0, 8 + 512, "file type identifier");
    if (std::memcmp(identifier.data(), "vhdxfile", 8) != 0)
        file.fail(0, "not a VHDX file (no \"vhdxfile\" signature)");
    info.creator = utf16ToUtf8(identifier.data() + 8, 512);

    // §2.2.2: two headers; the valid one with the larger sequence number is current.
    std::optional<uint64_t> bestSequence;
    std::vector<uint8_t> current;
    uint64_t currentOffset = 0;
    for (const uint64_t offset : HeaderOffsets) {
        const auto header = file.read(offset, 4 * KiB, "header");
        if (std::memcmp(header.data(), "head", 4) != 0 || !checksumHolds(header))
            continue;
        const uint64_t sequence = le64(header.data() + 8);
        if (bestSequence && sequence <= *bestSequence)
            continue;
        bestSequence = sequence;
        current = header;
        currentOffset = offset;
        const uint16_t version = le16(header.data() + 66);
        if (version != 1)
            file.fail(offset + 66, "header version " + std::to_string(version) + ", expected 1");
    }
    if (!bestSequence)
        file.fail(HeaderOffsets[0], "neither header (at 64 KiB and 128 KiB) has a valid signature and checksum");
    // §2.2.2.1: LogGuid at 48, LogVersion at 64, LogLength at 68, LogOffset at 72. A zero LogGuid means an empty
    // log, whatever the region holds; otherwise the region must be whole MiB inside the file, past the header
    // section, and everything after the headers is read with the log replayed (§2.3.3: before any other read).
    if (std::any_of(current.begin() + 48, current.begin() + 64, [](uint8_t b) { return b != 0; })) {
        VhdxLogRegion region;
        std::copy(current.begin() + 48, current.begin() + 64, region.guid.begin());
        region.length = le32(current.data() + 68);
        region.offset = le64(current.data() + 72);
        region.headerOffset = currentOffset;
        if (region.length == 0 || region.length % MiB != 0 || region.offset % MiB != 0 || region.offset < MiB
            || region.offset > file.size() || region.length > file.size() - region.offset)
            file.fail(currentOffset + 68,
                      "the header names a log to replay (" + std::to_string(region.length) + " bytes at byte "
                          + std::to_string(region.offset)
                          + ") that is not whole MiB inside the file: the log is broken");
        const uint16_t logVersion = le16(current.data() + 64);
        if (logVersion != 0)
            file.fail(currentOffset + 64,
                      "the header names a log of version " + std::to_string(logVersion)
                          + " to replay; MS-VHDX defines only version 0");
        file.replayLog(region);
        info.log = VhdxInfo::ReplayedLog {region, file.replay()->entries(), file.replay()->writes(),
                                          file.replay()->headSequence()};
    }

    // §2.2.3: the region table (two copies); we need the metadata region.
    std::optional<std::pair<uint64_t, uint32_t>> metadata;
    bool tableValid = false;
    for (const uint64_t offset : RegionTableOffsets) {
        const auto table = file.read(offset, 64 * KiB, "region table");
        if (std::memcmp(table.data(), "regi", 4) != 0 || !checksumHolds(table))
            continue;
        tableValid = true;
        const uint32_t count = le32(table.data() + 8);
        if (count > 2047)
            file.fail(offset + 8, "region table lists " + std::to_string(count) + " entries (at most 2047)");
        for (uint32_t i = 0; i < count; ++i) {
            const uint8_t* entry = table.data() + 16 + 32 * i;
            if (std::memcmp(entry, MetadataRegion.data(), 16) == 0)
                metadata = std::make_pair(le64(entry + 16), le32(entry + 24));
        }
        break;
    }
    if (!tableValid)
        file.fail(RegionTableOffsets[0], "neither region table (at 192 KiB and 256 KiB) is valid");
    if (!metadata)
        file.fail(RegionTableOffsets[0], "the region table has no metadata region");
    // Plain variables, not a structured binding: the lambdas below capture them, which clang < 16 rejects.
    const uint64_t regionOffset = metadata->first;
    const uint32_t regionLength = metadata->second;
    if (regionLength < 64 * KiB)
        file.fail(regionOffset, "metadata region is smaller than its 64 KiB table");

    // §2.6.1: the metadata table, then the items it points at.
    const auto table = file.read(regionOffset, 64 * KiB, "metadata table");
    if (std::memcmp(table.data(), "metadata", 8) != 0)
        file.fail(regionOffset, "metadata table has no \"metadata\" signature");
    const uint16_t count = le16(table.data() + 10);
    if (count > 2047)
        file.fail(regionOffset + 10, "metadata table lists " + std::to_string(count) + " entries (at most 2047)");
    bool haveParameters = false;
    bool hasParent = false;
    bool leaveAllocated = false;
    for (uint16_t i = 0; i < count; ++i) {
        const uint8_t* entry = table.data() + 32 + 32 * i;
        const uint32_t itemOffset = le32(entry + 16);
        const uint32_t itemLength = le32(entry + 20);
        const uint64_t entryOffset = regionOffset + 32 + 32 * i;
        if (itemLength == 0)
            continue;
        if (itemLength > MaxItemLength || itemOffset < 64 * KiB || itemOffset > regionLength
            || itemLength > regionLength - itemOffset)
            file.fail(entryOffset, "metadata item lies outside the metadata region");
        auto item = [&](uint32_t minimum, const char* what) {
            if (itemLength < minimum)
                file.fail(entryOffset, std::string(what) + " item is too short");
            return file.read(regionOffset + itemOffset, itemLength, what);
        };
        if (std::memcmp(entry, FileParameters.data(), 16) == 0) {
            const auto bytes = item(8, "file parameters");
            info.blockSize = le32(bytes.data());
            const uint32_t flags = le32(bytes.data() + 4);
            leaveAllocated = flags & 1;
            hasParent = flags & 2;
            haveParameters = true;
        } else if (std::memcmp(entry, VirtualDiskSize.data(), 16) == 0) {
            info.virtualSize = le64(item(8, "virtual disk size").data());
        } else if (std::memcmp(entry, LogicalSectorSize.data(), 16) == 0) {
            info.logicalSectorSize = le32(item(4, "logical sector size").data());
        } else if (std::memcmp(entry, PhysicalSectorSize.data(), 16) == 0) {
            info.physicalSectorSize = le32(item(4, "physical sector size").data());
        } else if (std::memcmp(entry, ParentLocator.data(), 16) == 0) {
            // §2.6.2.6: 20-byte header (locator type GUID, reserved, key/value count), then 12-byte entries whose
            // offsets are relative to the start of the item.
            const auto bytes = item(20, "parent locator");
            const uint16_t pairs = le16(bytes.data() + 18);
            if (20 + uint64_t(pairs) * 12 > bytes.size())
                file.fail(regionOffset + itemOffset, "parent locator lists more entries than it holds");
            for (uint16_t k = 0; k < pairs; ++k) {
                const uint8_t* kv = bytes.data() + 20 + 12 * k;
                const uint32_t keyOffset = le32(kv);
                const uint32_t valueOffset = le32(kv + 4);
                const uint16_t keyLength = le16(kv + 8);
                const uint16_t valueLength = le16(kv + 10);
                if (uint64_t(keyOffset) + keyLength > bytes.size()
                    || uint64_t(valueOffset) + valueLength > bytes.size())
                    file.fail(regionOffset + itemOffset + 20 + 12 * k, "parent locator entry points outside the item");
                info.parentLocator.emplace_back(utf16ToUtf8(bytes.data() + keyOffset, keyLength),
                                                utf16ToUtf8(bytes.data() + valueOffset, valueLength));
            }
        }
    }
    if (!haveParameters)
        file.fail(regionOffset, "metadata table has no file parameters item");
    info.type = hasParent ? VhdxInfo::DiskType::Differencing
        : leaveAllocated  ? VhdxInfo::DiskType::Fixed
                          : VhdxInfo::DiskType::Dynamic;
    if (hasParent) {
        // §2.6.2.6.3: relative_path is tried first, then volume_path, then absolute_win32_path.
        for (const char* key : {"relative_path", "volume_path", "absolute_win32_path"}) {
            for (const auto& [k, v] : info.parentLocator)
                if (k == key && info.parentPath.empty())
                    info.parentPath = v;
        }
        if (info.parentPath.empty())
            file.fail(regionOffset, "differencing disk without a parent locator path");
    }
    return info;
}

} // namespace layerscope::image
