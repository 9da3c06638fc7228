// SPDX-License-Identifier: Apache-2.0
#include "tar/tarwriter.h"

#include "common/error.h"
#include "io/bytesink.h"
#include "tar/paxvalues.h"
#include "tar/ustarlayout.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

namespace layerscope::tar {

namespace {

using Block = std::array<uint8_t, ustar::BlockSize>;

constexpr uint8_t ZeroBlocks[2 * ustar::BlockSize] = {};
constexpr uint64_t MaxOctal7 = 07777777; // 8-byte fields: 7 digits + NUL
constexpr uint64_t MaxOctal11 = 077777777777; // 12-byte fields: 11 digits + NUL (8 GiB - 1 for size)

bool isAscii(std::string_view text)
{
    return std::all_of(text.begin(), text.end(), [](char c) { return uint8_t(c) < 0x80 && c != '\0'; });
}

bool fitsString(std::string_view text, ustar::Field field)
{
    return text.size() <= field.size && isAscii(text);
}

// Go's toASCII: the best a ustar field can do when the real value travels in a PAX record.
std::string toAscii(std::string_view text)
{
    std::string out;
    for (const char c : text)
        if (uint8_t(c) < 0x80 && c != '\0')
            out += c;
    return out;
}

void putString(Block& block, ustar::Field field, std::string_view text)
{
    const size_t n = std::min(text.size(), field.size);
    // An empty string_view may hold a null data(); memcpy from a null pointer is undefined even for 0 bytes.
    if (n == 0)
        return;
    std::memcpy(block.data() + field.offset, text.data(), n);
    // A truncated name ending in '/' would read as a directory to readers that ignore PAX (Go trims it too).
    if (text.size() > field.size && text[field.size - 1] == '/') {
        size_t keep = field.size - 1;
        while (keep > 0 && text[keep - 1] == '/')
            --keep;
        std::memset(block.data() + field.offset + keep, 0, field.size - keep);
    }
}

void putOctal(Block& block, ustar::Field field, uint64_t value)
{
    // Zero-padded digits filling the field but its last byte, which stays NUL.
    for (size_t i = field.size - 1; i-- > 0;) {
        block[field.offset + i] = uint8_t('0' + (value & 7));
        value >>= 3;
    }
}

// GNU base-256 form for values no octal field can hold and no standard PAX record covers (mode, device numbers).
void putNumeric(Block& block, ustar::Field field, uint64_t value, uint64_t maxOctal)
{
    if (value <= maxOctal) {
        putOctal(block, field, value);
        return;
    }
    for (size_t i = field.size; i-- > 0;) {
        block[field.offset + i] = uint8_t(value);
        value >>= 8;
    }
    block[field.offset] |= 0x80;
}

void putChecksum(Block& block)
{
    std::memset(block.data() + ustar::Checksum.offset, ' ', ustar::Checksum.size);
    uint64_t sum = 0;
    for (const uint8_t byte : block)
        sum += byte;
    // Six octal digits, NUL, space: the traditional layout every reader accepts.
    for (size_t i = 6; i-- > 0;) {
        block[ustar::Checksum.offset + i] = uint8_t('0' + (sum & 7));
        sum >>= 3;
    }
    block[ustar::Checksum.offset + 6] = '\0';
}

void putMagic(Block& block)
{
    std::memcpy(block.data() + ustar::Magic.offset, ustar::PosixMagic, ustar::MagicAndVersionSize);
}

// Go's splitUSTARPath: the longest prefix (≤ 155 bytes) ending at a '/' such that the rest fits in 100 bytes.
bool splitUstarPath(std::string_view path, std::string_view& prefix, std::string_view& name)
{
    if (path.size() <= ustar::Name.size || !isAscii(path))
        return false;
    size_t length = path.size();
    if (length > ustar::Prefix.size + 1)
        length = ustar::Prefix.size + 1;
    else if (path[length - 1] == '/')
        --length;
    const size_t slash = path.substr(0, length).rfind('/');
    if (slash == std::string_view::npos || slash == 0)
        return false;
    const size_t nameLength = path.size() - slash - 1;
    if (nameLength == 0 || nameLength > ustar::Name.size || slash > ustar::Prefix.size)
        return false;
    prefix = path.substr(0, slash);
    name = path.substr(slash + 1);
    return true;
}

bool isHeaderOnly(char type)
{
    switch (type) {
    case typeflag::HardLink:
    case typeflag::Symlink:
    case typeflag::CharDevice:
    case typeflag::BlockDevice:
    case typeflag::Directory:
    case typeflag::Fifo:
        return true;
    default:
        return false;
    }
}

void appendRecord(std::string& out, std::string_view key, std::string_view value)
{
    // The length counts itself: "%d %s=%s\n" where %d includes its own digits.
    const size_t base = key.size() + value.size() + 3;
    size_t digits = std::to_string(base).size();
    if (std::to_string(base + digits).size() > digits)
        ++digits;
    out += std::to_string(base + digits);
    out += ' ';
    out += key;
    out += '=';
    out += value;
    out += '\n';
}

// wcow-layer-format §1.2: Go names the `x` header "<dir>/PaxHeaders.0/<base>", ASCII only, at most 100 bytes.
std::string paxHeaderName(std::string_view path)
{
    const size_t slash = path.rfind('/');
    const std::string_view dir = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash + 1);
    const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    std::string name = toAscii(dir);
    name += "PaxHeaders.0";
    if (!base.empty()) {
        name += '/';
        name += toAscii(base);
    }
    if (name.size() > ustar::Name.size)
        name.resize(ustar::Name.size);
    while (!name.empty() && name.back() == '/')
        name.pop_back();
    return name;
}

} // namespace

TarWriter::TarWriter(io::ByteSink& sink)
    : m_sink(sink)
{ }

void TarWriter::fail(const std::string& message) const
{
    throw Error(Error::Where {{}, m_entryIndex, m_entryPath, m_offset}, message);
}

void TarWriter::write(const void* data, size_t size)
{
    m_sink.write(data, size);
    m_offset += size;
}

void TarWriter::writePadding(uint64_t dataSize)
{
    const size_t padding = size_t((ustar::BlockSize - dataSize % ustar::BlockSize) % ustar::BlockSize);
    if (padding > 0)
        write(ZeroBlocks, padding);
}

void TarWriter::requireBetweenEntries(const char* what) const
{
    if (m_finished)
        fail(std::string(what) + " after finish()");
    if (m_inEntry && m_remaining > 0)
        fail("only " + std::to_string(m_entrySize - m_remaining) + " of the entry's " + std::to_string(m_entrySize)
             + " data bytes were written before " + what);
}

void TarWriter::writeExtendedHeader(char type, const std::string& name, const std::vector<PaxRecord>& records)
{
    m_payload.clear();
    for (const PaxRecord& record : records) {
        if (record.key.empty() || record.key.find('=') != std::string::npos)
            fail("PAX record key \"" + record.key + "\" is empty or contains '='");
        appendRecord(m_payload, record.key, record.value);
    }
    if (m_payload.size() > MaxExtendedHeaderSize)
        fail("PAX records of " + std::to_string(m_payload.size()) + " bytes exceed the 1 MiB limit readers accept");

    Block block {};
    putString(block, ustar::Name, name);
    putOctal(block, ustar::Mode, 0);
    putOctal(block, ustar::Uid, 0);
    putOctal(block, ustar::Gid, 0);
    putOctal(block, ustar::Size, m_payload.size());
    putOctal(block, ustar::Mtime, 0);
    block[ustar::Typeflag.offset] = uint8_t(type);
    putMagic(block);
    putOctal(block, ustar::DevMajor, 0);
    putOctal(block, ustar::DevMinor, 0);
    putChecksum(block);
    write(block.data(), block.size());
    write(m_payload.data(), m_payload.size());
    writePadding(m_payload.size());
}

void TarWriter::add(const TarHeader& header)
{
    requireBetweenEntries("the next entry");
    m_entryIndex = m_nextIndex;
    m_entryPath = header.path.substr(0, header.path.find('\0'));

    switch (header.type) {
    case typeflag::PaxExtended:
    case typeflag::PaxGlobal:
    case typeflag::GnuLongName:
    case typeflag::GnuLongLink:
        fail(std::string("typeflag '") + header.type + "' is an extension header, not an entry");
    default:
        break;
    }
    if (header.path.empty())
        fail("an entry needs a path");
    for (const std::string* text : {&header.path, &header.linkPath, &header.uname, &header.gname})
        if (text->find('\0') != std::string::npos)
            fail("path, link path and owner names cannot contain NUL bytes");
    if (header.size > (uint64_t(1) << 60))
        fail("size " + std::to_string(header.size) + " is absurd (more than 2^60 bytes)");

    std::string_view prefix;
    std::string_view name = header.path;
    const bool pathFits = fitsString(header.path, ustar::Name) || splitUstarPath(header.path, prefix, name);
    const bool mtimeFits = header.mtime >= 0 && uint64_t(header.mtime) <= MaxOctal11;

    // Records: as given, with the effective standard ones brought in line with the header fields, then whatever
    // the fields need and the records lack.
    m_records.assign(header.pax.begin(), header.pax.end());
    auto lastNonEmpty = [&](std::string_view key) -> PaxRecord* {
        for (auto it = m_records.rbegin(); it != m_records.rend(); ++it)
            if (it->key == key)
                return it->value.empty() ? nullptr : &*it;
        return nullptr;
    };
    auto require = [&](std::string_view key, const std::string& value, bool needed) {
        if (PaxRecord* record = lastNonEmpty(key))
            record->value = value;
        else if (needed)
            m_records.push_back(PaxRecord {std::string(key), value});
    };
    require("path", header.path, !pathFits);
    require("linkpath", header.linkPath, !fitsString(header.linkPath, ustar::LinkName));
    require("size", std::to_string(header.size), header.size > MaxOctal11);
    require("uid", std::to_string(header.uid), header.uid > MaxOctal7);
    require("gid", std::to_string(header.gid), header.gid > MaxOctal7);
    require("uname", header.uname, !fitsString(header.uname, ustar::Uname));
    require("gname", header.gname, !fitsString(header.gname, ustar::Gname));
    if (PaxRecord* record = lastNonEmpty("mtime")) {
        int64_t seconds = 0;
        if (!pax::parseTime(record->value, seconds) || seconds != header.mtime)
            record->value = std::to_string(header.mtime);
    } else if (!mtimeFits) {
        m_records.push_back(PaxRecord {"mtime", std::to_string(header.mtime)});
    }
    if (!m_records.empty())
        writeExtendedHeader(typeflag::PaxExtended, paxHeaderName(header.path), m_records);

    Block block {};
    if (pathFits) {
        putString(block, ustar::Name, name);
        putString(block, ustar::Prefix, prefix);
    } else {
        putString(block, ustar::Name, toAscii(header.path));
    }
    putNumeric(block, ustar::Mode, header.mode, MaxOctal7);
    putOctal(block, ustar::Uid, header.uid <= MaxOctal7 ? header.uid : 0);
    putOctal(block, ustar::Gid, header.gid <= MaxOctal7 ? header.gid : 0);
    putOctal(block, ustar::Size, header.size <= MaxOctal11 ? header.size : 0);
    putOctal(block, ustar::Mtime, mtimeFits ? uint64_t(header.mtime) : 0);
    block[ustar::Typeflag.offset] = uint8_t(header.type);
    putString(block, ustar::LinkName, toAscii(header.linkPath));
    putMagic(block);
    putString(block, ustar::Uname, toAscii(header.uname));
    putString(block, ustar::Gname, toAscii(header.gname));
    putNumeric(block, ustar::DevMajor, header.devMajor, MaxOctal7);
    putNumeric(block, ustar::DevMinor, header.devMinor, MaxOctal7);
    putChecksum(block);
    write(block.data(), block.size());

    ++m_nextIndex;
    m_inEntry = true;
    m_entrySize = isHeaderOnly(header.type) ? 0 : header.size;
    m_remaining = m_entrySize;
}

void TarWriter::writeData(const void* data, size_t size)
{
    if (!m_inEntry || size > m_remaining)
        fail("writeData() of " + std::to_string(size) + " bytes exceeds the entry's data size "
             + std::to_string(m_entrySize) + " (" + std::to_string(m_remaining) + " bytes left)");
    if (size == 0)
        return;
    write(data, size);
    m_remaining -= size;
    if (m_remaining == 0)
        writePadding(m_entrySize);
}

void TarWriter::addGlobal(const std::vector<PaxRecord>& records)
{
    requireBetweenEntries("a global header");
    writeExtendedHeader(typeflag::PaxGlobal, "GlobalHead.0.0", records);
}

void TarWriter::finish()
{
    requireBetweenEntries("finish()");
    write(ZeroBlocks, sizeof ZeroBlocks);
    m_finished = true;
}

} // namespace layerscope::tar
