// SPDX-License-Identifier: Apache-2.0
#include "tar/tarreader.h"

#include "common/error.h"
#include "io/bytesource.h"
#include "tar/paxvalues.h"
#include "tar/ustarlayout.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>

namespace layerscope::tar {

namespace {

constexpr size_t DirectReadThreshold = 64 * 1024;

std::string_view fieldString(const uint8_t* block, ustar::Field field)
{
    const char* begin = reinterpret_cast<const char*>(block + field.offset);
    return {begin, size_t(std::find(begin, begin + field.size, '\0') - begin)};
}

// Field contents for error messages: printable ASCII as is, everything else as \xNN.
std::string printable(std::string_view text)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (const char c : text) {
        const auto byte = uint8_t(c);
        if (byte >= 0x20 && byte < 0x7f) {
            out += c;
        } else {
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 15];
        }
    }
    return out;
}

std::string quotedField(const uint8_t* block, ustar::Field field)
{
    std::string out = "\"";
    out += printable({reinterpret_cast<const char*>(block + field.offset), field.size});
    out += '"';
    return out;
}

bool isZeroBlock(const uint8_t* block)
{
    uint64_t accumulated = 0;
    for (size_t i = 0; i < ustar::BlockSize; i += sizeof(uint64_t)) {
        uint64_t word;
        std::memcpy(&word, block + i, sizeof word);
        accumulated |= word;
    }
    return accumulated == 0;
}

// The header checksum: the sum of all bytes with the checksum field taken as spaces. Summing everything first
// keeps the loop branch-free (it vectorises); this runs once per header of a 50k-entry layer.
template<typename Byte> int64_t checksumOf(const uint8_t* block)
{
    int32_t sum = 0; // 512 * 255 fits; 32-bit lanes vectorise twice as wide as 64-bit ones
    for (size_t i = 0; i < ustar::BlockSize; ++i)
        sum += Byte(block[i]);
    for (size_t i = 0; i < ustar::Checksum.size; ++i)
        sum += int32_t(' ') - Byte(block[ustar::Checksum.offset + i]);
    return sum;
}

// A numeric header field: octal digits surrounded by spaces/NULs, or the GNU/star base-256 form (high bit of the
// first byte set; bit 6 is the sign of a two's-complement big-endian number), which is how big uids and negative
// mtimes are stored. Returns false when the field is neither, or does not fit 63 bits.
bool parseNumeric(const uint8_t* field, size_t size, int64_t& out)
{
    if (size > 0 && (field[0] & 0x80)) {
        const uint8_t invert = (field[0] & 0x40) ? 0xff : 0x00;
        uint64_t value = 0;
        for (size_t i = 0; i < size; ++i) {
            uint8_t byte = field[i] ^ invert;
            if (i == 0)
                byte &= 0x7f;
            if (value >> 56)
                return false;
            value = (value << 8) | byte;
        }
        if (value >> 63)
            return false;
        out = invert ? ~int64_t(value) : int64_t(value);
        return true;
    }
    size_t i = 0;
    while (i < size && (field[i] == ' ' || field[i] == '\0'))
        ++i;
    uint64_t value = 0;
    for (; i < size && field[i] >= '0' && field[i] <= '7'; ++i)
        value = value * 8 + (field[i] - '0'); // at most 12 digits: no overflow
    for (; i < size; ++i)
        if (field[i] != ' ' && field[i] != '\0')
            return false;
    out = int64_t(value);
    return true;
}

using pax::parseDecimal;
using pax::parseTime;

enum class StandardKey { None, Path, LinkPath, Size, Uid, Gid, Uname, Gname, Mtime };

StandardKey standardKey(std::string_view key)
{
    switch (key.size()) {
    case 3:
        return key == "uid" ? StandardKey::Uid : key == "gid" ? StandardKey::Gid : StandardKey::None;
    case 4:
        return key == "path" ? StandardKey::Path : key == "size" ? StandardKey::Size : StandardKey::None;
    case 5:
        return key == "uname" ? StandardKey::Uname
            : key == "gname"  ? StandardKey::Gname
            : key == "mtime"  ? StandardKey::Mtime
                              : StandardKey::None;
    case 8:
        return key == "linkpath" ? StandardKey::LinkPath : StandardKey::None;
    default:
        return StandardKey::None;
    }
}

// POSIX: these types have no data blocks whatever their size field says (Go and Python read them the same way).
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

uint64_t paddingFor(uint64_t size)
{
    return (ustar::BlockSize - size % ustar::BlockSize) % ustar::BlockSize;
}

} // namespace

TarReader::TarReader(io::ByteSource& source, size_t bufferSize)
    : m_source(source)
    , m_name(source.name())
    , m_capacity(std::max(bufferSize, 4 * ustar::BlockSize))
{
    m_buffer = std::make_unique_for_overwrite<uint8_t[]>(m_capacity);
    m_data = m_buffer.get();
}

TarReader::~TarReader() = default;

void TarReader::fail(uint64_t offset, const std::string& message) const
{
    throw Error(Error::Where {m_name, m_entryIndex, m_entryPath, offset}, message);
}

void TarReader::failTruncated(uint64_t needed, const char* what) const
{
    fail(m_entryHeaderOffset,
         "archive is truncated: the entry needs " + std::to_string(needed) + " bytes of " + what
             + " but the stream ends at byte " + std::to_string(m_bufferOffset + m_end));
}

// Makes at least `minimum` bytes available contiguously (fewer only at the end of the stream), reading the source
// in buffer-sized chunks.
size_t TarReader::fill(size_t minimum)
{
    if (available() >= minimum || m_sourceEof)
        return available();
    if (m_data != m_buffer.get()) {
        // Leaving borrowed memory (the next source call invalidates it): keep its unread bytes.
        std::memcpy(m_buffer.get(), m_data + m_pos, available());
        m_data = m_buffer.get();
        m_bufferOffset += m_pos;
        m_end -= m_pos;
        m_pos = 0;
    } else if (m_pos > 0) {
        std::memmove(m_buffer.get(), m_buffer.get() + m_pos, available());
        m_bufferOffset += m_pos;
        m_end -= m_pos;
        m_pos = 0;
    }
    while (m_end < minimum && !m_sourceEof) {
        const size_t got = m_source.read(m_buffer.get() + m_end, m_capacity - m_end);
        if (got == 0)
            m_sourceEof = true;
        m_end += got;
    }
    return available();
}

// Called with an empty buffer: one read of up to a whole buffer, no copying.
size_t TarReader::refillForData()
{
    m_bufferOffset += m_end;
    m_pos = m_end = 0;
    m_data = m_buffer.get();
    if (!m_sourceEof) {
        if (const auto view = m_source.borrow(m_capacity)) {
            m_data = view->data();
            m_end = view->size();
        } else {
            m_end = m_source.read(m_buffer.get(), m_capacity);
        }
        if (m_end == 0)
            m_sourceEof = true;
    }
    return m_end;
}

const uint8_t* TarReader::readBlock(uint64_t headerOffset)
{
    const size_t got = fill(ustar::BlockSize);
    if (got == 0)
        return nullptr;
    if (got < ustar::BlockSize)
        fail(headerOffset,
             "archive is truncated: the stream ends at byte " + std::to_string(headerOffset + got)
                 + " inside a header block");
    const uint8_t* block = m_data + m_pos;
    m_pos += ustar::BlockSize;
    return block;
}

void TarReader::readPayload(uint64_t size, uint64_t headerOffset, const char* what, std::string& out)
{
    out.clear();
    uint64_t toSkip = size + paddingFor(size);
    while (toSkip > 0) {
        if (available() == 0 && fill(1) == 0)
            fail(headerOffset,
                 std::string("archive is truncated: the ") + what + " needs " + std::to_string(size)
                     + " bytes but the stream ends at byte " + std::to_string(offset()));
        const size_t take = size_t(std::min<uint64_t>(available(), toSkip));
        const size_t payload = size_t(std::min<uint64_t>(take, size - out.size()));
        out.append(reinterpret_cast<const char*>(m_data + m_pos), payload);
        m_pos += take;
        toSkip -= take;
    }
}

void TarReader::finishEntry()
{
    while (m_dataRemaining > 0) {
        if (available() == 0 && refillForData() == 0)
            failTruncated(m_entryDataSize, "data");
        const size_t take = size_t(std::min<uint64_t>(available(), m_dataRemaining));
        m_pos += take;
        m_dataRemaining -= take;
    }
    while (m_padding > 0) {
        if (available() == 0 && refillForData() == 0) {
            // Every data byte arrived; only the zero padding is missing. Nothing is lost, so do not refuse the archive.
            m_warnings.push_back(Error(Error::Where {m_name, m_entryIndex, m_entryPath, offset()},
                                       "the stream ends inside the padding after the entry's data; "
                                       "no end-of-archive marker")
                                     .what());
            m_padding = 0;
            m_done = true;
            return;
        }
        const size_t take = size_t(std::min<uint64_t>(available(), m_padding));
        m_pos += take;
        m_padding -= take;
    }
}

size_t TarReader::readData(void* buffer, size_t size)
{
    const size_t wanted = size_t(std::min<uint64_t>(size, m_dataRemaining));
    auto* out = static_cast<uint8_t*>(buffer);
    size_t done = 0;
    while (done < wanted) {
        if (available() == 0) {
            if (wanted - done >= DirectReadThreshold) {
                // Large reads bypass the buffer: straight from the source into the caller's memory.
                m_bufferOffset += m_end;
                m_pos = m_end = 0;
                m_data = m_buffer.get();
                const size_t got = m_sourceEof ? 0 : m_source.read(out + done, wanted - done);
                if (got == 0) {
                    m_sourceEof = true;
                    failTruncated(m_entryDataSize, "data");
                }
                m_bufferOffset += got;
                m_dataRemaining -= got;
                done += got;
                continue;
            }
            if (refillForData() == 0)
                failTruncated(m_entryDataSize, "data");
        }
        const size_t take = std::min(available(), wanted - done);
        std::memcpy(out + done, m_data + m_pos, take);
        m_pos += take;
        m_dataRemaining -= take;
        done += take;
    }
    return done;
}

std::span<const uint8_t> TarReader::readDataChunk(size_t maxSize)
{
    if (m_dataRemaining == 0 || maxSize == 0)
        return {};
    if (available() == 0 && refillForData() == 0)
        failTruncated(m_entryDataSize, "data");
    const size_t take = size_t(std::min<uint64_t>({available(), m_dataRemaining, maxSize}));
    const std::span<const uint8_t> chunk(m_data + m_pos, take);
    m_pos += take;
    m_dataRemaining -= take;
    return chunk;
}

// "length key=value\n" records, where length counts the whole record in decimal (POSIX pax "pax Extended Header").
// Records are stored into records[count...], reusing existing elements so their strings keep their capacity.
void TarReader::parsePaxRecords(const std::string& data, uint64_t headerOffset, std::vector<PaxRecord>& records,
                                size_t& count)
{
    auto malformed = [&](size_t at, const std::string& why) {
        fail(headerOffset, "malformed PAX record at byte " + std::to_string(at) + " of the extended header: " + why);
    };
    size_t pos = 0;
    while (pos < data.size()) {
        if (data[pos] == '\0') {
            // Some writers pad the record block with NULs; tolerate that, but nothing else after it.
            if (data.find_first_not_of('\0', pos) != std::string::npos)
                malformed(pos, "NUL byte before the end of the records");
            break;
        }
        size_t cursor = pos;
        uint64_t length = 0;
        while (cursor < data.size() && data[cursor] >= '0' && data[cursor] <= '9') {
            // Saturate: anything beyond the payload size is wrong anyway, and must not overflow.
            length = std::min<uint64_t>(length * 10 + uint64_t(data[cursor] - '0'), uint64_t(data.size()) + 1);
            ++cursor;
        }
        if (cursor == pos)
            malformed(pos, "the record length is not a decimal number (\"" + printable(data.substr(pos, 16)) + "\")");
        if (cursor >= data.size() || data[cursor] != ' ')
            malformed(pos, "expected a space after the record length");
        if (length > data.size() - pos)
            malformed(pos,
                      "record length " + data.substr(pos, cursor - pos) + " runs past the end of the header ("
                          + std::to_string(data.size() - pos) + " bytes left)");
        const size_t end = pos + size_t(length);
        if (end <= cursor + 1 || data[end - 1] != '\n')
            malformed(pos, "record length " + std::to_string(length) + " does not end at a newline");
        const std::string_view keyValue(data.data() + cursor + 1, end - 1 - (cursor + 1));
        const size_t equals = keyValue.find('=');
        if (equals == std::string_view::npos)
            malformed(pos, "record has no '=' (\"" + printable(keyValue.substr(0, 64)) + "\")");
        if (equals == 0)
            malformed(pos, "record has an empty key");
        const std::string_view key = keyValue.substr(0, equals);
        const std::string_view value = keyValue.substr(equals + 1);

        // Validate the records we apply now, while the offending header's offset is at hand.
        if (!value.empty()) {
            const StandardKey which = standardKey(key);
            uint64_t number = 0;
            int64_t time = 0;
            switch (which) {
            case StandardKey::Path:
            case StandardKey::LinkPath:
                if (value.size() > MaxPathLength)
                    fail(headerOffset,
                         "PAX " + std::string(key) + " of " + std::to_string(value.size())
                             + " bytes exceeds the 32 KiB limit");
                if (which == StandardKey::Path)
                    m_entryPath.assign(value);
                break;
            case StandardKey::Size:
                if (!parseDecimal(value, number))
                    malformed(pos, "size \"" + printable(value.substr(0, 32)) + "\" is not a decimal number");
                if (number > MaxEntrySize)
                    fail(headerOffset, "PAX size " + std::string(value) + " is absurd (more than 2^60 bytes)");
                break;
            case StandardKey::Uid:
            case StandardKey::Gid:
                if (!parseDecimal(value, number))
                    malformed(pos,
                              std::string(key) + " \"" + printable(value.substr(0, 32)) + "\" is not a decimal number");
                break;
            case StandardKey::Mtime:
                if (!parseTime(value, time))
                    malformed(pos, "mtime \"" + printable(value.substr(0, 32)) + "\" is not a PAX time");
                break;
            case StandardKey::Uname:
            case StandardKey::Gname:
            case StandardKey::None:
                break;
            }
        }

        if (count < records.size()) {
            records[count].key.assign(key);
            records[count].value.assign(value);
        } else {
            records.push_back(PaxRecord {std::string(key), std::string(value)});
        }
        ++count;
        pos = end;
    }
}

bool TarReader::next(TarHeader& out)
{
    if (m_done)
        return false;
    finishEntry();
    if (m_done)
        return false;

    m_entryIndex = m_nextIndex;
    m_entryPath.clear();
    m_entryHeaderOffset = offset();
    m_entryDataSize = 0;
    size_t paxCount = 0;
    uint64_t paxBytes = 0;
    bool hasLongName = false;
    bool hasLongLink = false;
    bool pendingExtension = false;

    for (;;) {
        const uint64_t blockOffset = offset();
        const uint8_t* block = readBlock(blockOffset);
        if (!block) {
            if (pendingExtension)
                fail(blockOffset,
                     "archive is truncated: the stream ends after an extension header, before the entry "
                     "it belongs to");
            m_warnings.push_back(Error(Error::Where {m_name, {}, {}, blockOffset},
                                       "the archive has no end-of-archive marker (two zero blocks)")
                                     .what());
            m_done = true;
            return false;
        }
        if (isZeroBlock(block)) {
            if (pendingExtension)
                fail(blockOffset, "an extension header is followed by the end-of-archive marker instead of an entry");
            handleEndOfArchive(blockOffset);
            return false;
        }

        int64_t stored = 0;
        if (!parseNumeric(block + ustar::Checksum.offset, ustar::Checksum.size, stored))
            fail(blockOffset,
                 "the header checksum field " + quotedField(block, ustar::Checksum)
                     + " is not a number (not a tar header?)");
        const uint64_t unsignedSum = checksumOf<uint8_t>(block);
        // Historic writers summed signed chars; POSIX says unsigned. Accept either, as GNU tar and Go do.
        if (uint64_t(stored) != unsignedSum && stored != int64_t(checksumOf<int8_t>(block)))
            fail(blockOffset,
                 "header checksum mismatch (stored " + std::to_string(stored) + ", computed "
                     + std::to_string(unsignedSum) + ")");

        const char type = char(block[ustar::Typeflag.offset]);
        int64_t size = 0;
        if (!parseNumeric(block + ustar::Size.offset, ustar::Size.size, size))
            fail(blockOffset, "invalid number in the size field " + quotedField(block, ustar::Size));
        if (size < 0)
            fail(blockOffset, "negative size " + std::to_string(size));
        if (uint64_t(size) > MaxEntrySize)
            fail(blockOffset, "size " + std::to_string(size) + " is absurd (more than 2^60 bytes)");

        switch (type) {
        case typeflag::PaxExtended:
            if (uint64_t(size) > MaxExtendedHeaderSize - paxBytes)
                fail(blockOffset,
                     "PAX extended header of " + std::to_string(paxBytes + uint64_t(size))
                         + " bytes exceeds the 1 MiB limit");
            paxBytes += uint64_t(size);
            readPayload(uint64_t(size), blockOffset, "PAX extended header", m_payload);
            parsePaxRecords(m_payload, blockOffset, out.pax, paxCount);
            pendingExtension = true;
            continue;
        case typeflag::PaxGlobal: {
            if (uint64_t(size) > MaxExtendedHeaderSize - m_globalBytes)
                fail(blockOffset,
                     "PAX global headers of " + std::to_string(m_globalBytes + uint64_t(size))
                         + " bytes in total exceed the 1 MiB limit");
            m_globalBytes += uint64_t(size);
            readPayload(uint64_t(size), blockOffset, "PAX global header", m_payload);
            size_t globalCount = m_globals.size();
            parsePaxRecords(m_payload, blockOffset, m_globals, globalCount);
            continue;
        }
        case typeflag::GnuLongName:
        case typeflag::GnuLongLink: {
            // The payload is the name plus a terminating NUL.
            if (uint64_t(size) > MaxPathLength + 1)
                fail(blockOffset,
                     std::string("GNU long ") + (type == typeflag::GnuLongName ? "name" : "link name") + " of "
                         + std::to_string(size) + " bytes exceeds the 32 KiB limit");
            std::string& target = type == typeflag::GnuLongName ? m_longName : m_longLink;
            readPayload(uint64_t(size), blockOffset, "GNU long name", target);
            target.resize(std::min(target.size(), target.find('\0')));
            if (type == typeflag::GnuLongName) {
                hasLongName = true;
                m_entryPath = target;
            } else {
                hasLongLink = true;
            }
            pendingExtension = true;
            continue;
        }
        default:
            buildHeader(block, blockOffset, out, paxCount, hasLongName, hasLongLink);
            return true;
        }
    }
}

void TarReader::buildHeader(const uint8_t* block, uint64_t blockOffset, TarHeader& out, size_t paxCount,
                            bool hasLongName, bool hasLongLink)
{
    const auto* magic = block + ustar::Magic.offset;
    const bool posix = std::memcmp(magic, "ustar\0", 6) == 0;
    const bool gnu = std::memcmp(magic, ustar::GnuMagic, ustar::MagicAndVersionSize) == 0;
    const bool star = posix && std::memcmp(block + ustar::StarTrailer.offset, "tar\0", 4) == 0;

    auto numeric = [&](ustar::Field field, const char* what) {
        int64_t value = 0;
        if (!parseNumeric(block + field.offset, field.size, value))
            fail(blockOffset, std::string("invalid number in the ") + what + " field " + quotedField(block, field));
        return value;
    };
    auto unsignedNumeric = [&](ustar::Field field, const char* what) {
        const int64_t value = numeric(field, what);
        if (value < 0)
            fail(blockOffset, std::string("negative ") + what + " " + std::to_string(value));
        return uint64_t(value);
    };

    // Field values as the header block states them; PAX records may override them, and an empty PAX value
    // reverts to them (POSIX pax: "If the <value> field is zero length, it shall delete ... the same name").
    auto setPath = [&] {
        if (hasLongName) {
            out.path.assign(m_longName);
            return;
        }
        const std::string_view name = fieldString(block, ustar::Name);
        const std::string_view prefix = posix ? fieldString(block, star ? ustar::StarPrefix : ustar::Prefix) : "";
        if (prefix.empty()) {
            out.path.assign(name);
        } else {
            out.path.assign(prefix);
            out.path += '/';
            out.path += name;
        }
    };
    auto setLinkPath = [&] {
        if (hasLongLink)
            out.linkPath.assign(m_longLink);
        else
            out.linkPath.assign(fieldString(block, ustar::LinkName));
    };
    const int64_t fieldSize = numeric(ustar::Size, "size"); // validated by next()
    const uint64_t fieldUid = unsignedNumeric(ustar::Uid, "uid");
    const uint64_t fieldGid = unsignedNumeric(ustar::Gid, "gid");
    const int64_t fieldMtime = numeric(ustar::Mtime, "mtime");
    const uint64_t mode = unsignedNumeric(ustar::Mode, "mode");
    const uint64_t devMajor = unsignedNumeric(ustar::DevMajor, "devmajor");
    const uint64_t devMinor = unsignedNumeric(ustar::DevMinor, "devminor");
    auto setName = [&](std::string& target, ustar::Field field) {
        if (posix || gnu)
            target.assign(fieldString(block, field));
        else
            target.clear();
    };

    out.type = char(block[ustar::Typeflag.offset]);
    out.mode = uint32_t(mode);
    out.devMajor = uint32_t(devMajor);
    out.devMinor = uint32_t(devMinor);
    setPath();
    setLinkPath();
    setName(out.uname, ustar::Uname);
    setName(out.gname, ustar::Gname);
    out.size = uint64_t(fieldSize);
    out.uid = fieldUid;
    out.gid = fieldGid;
    out.mtime = fieldMtime;

    // Globals first, then the entry's own records, each overriding what came before (POSIX pax).
    auto apply = [&](const PaxRecord& record) {
        const StandardKey which = standardKey(record.key);
        if (which == StandardKey::None)
            return;
        const bool reset = record.value.empty();
        uint64_t number = 0;
        switch (which) {
        case StandardKey::Path:
            if (reset)
                setPath();
            else
                out.path.assign(record.value);
            break;
        case StandardKey::LinkPath:
            if (reset)
                setLinkPath();
            else
                out.linkPath.assign(record.value);
            break;
        case StandardKey::Size:
            out.size = reset || !parseDecimal(record.value, number) ? uint64_t(fieldSize) : number;
            break;
        case StandardKey::Uid:
            out.uid = reset || !parseDecimal(record.value, number) ? fieldUid : number;
            break;
        case StandardKey::Gid:
            out.gid = reset || !parseDecimal(record.value, number) ? fieldGid : number;
            break;
        case StandardKey::Uname:
            if (reset)
                setName(out.uname, ustar::Uname);
            else
                out.uname.assign(record.value);
            break;
        case StandardKey::Gname:
            if (reset)
                setName(out.gname, ustar::Gname);
            else
                out.gname.assign(record.value);
            break;
        case StandardKey::Mtime:
            if (reset || !parseTime(record.value, out.mtime))
                out.mtime = fieldMtime;
            break;
        case StandardKey::None:
            break;
        }
    };
    for (const PaxRecord& record : m_globals)
        apply(record);
    for (size_t i = 0; i < paxCount; ++i)
        apply(out.pax[i]);
    out.pax.resize(paxCount);

    m_entryPath = out.path;
    if (out.size > MaxEntrySize)
        fail(blockOffset, "size " + std::to_string(out.size) + " is absurd (more than 2^60 bytes)");

    // Old GNU sparse files may continue their sparse map in extra header blocks; they are not entries. The data that
    // follows is the stored (compacted) data; we do not expand holes (no Windows layer tool writes sparse entries,
    // wcow-layer-format §1.2).
    if (gnu && out.type == 'S' && block[ustar::GnuIsExtended] != 0) {
        for (;;) {
            const uint64_t extensionOffset = offset();
            const uint8_t* extension = readBlock(extensionOffset);
            if (!extension)
                fail(extensionOffset, "archive is truncated: the stream ends inside a GNU sparse header");
            if (extension[ustar::GnuSparseExtensionIsExtended] == 0)
                break;
        }
    }

    out.index = m_entryIndex;
    out.headerOffset = m_entryHeaderOffset;
    out.dataOffset = offset();
    ++m_nextIndex;
    m_entryDataSize = isHeaderOnly(out.type) ? 0 : out.size;
    m_dataRemaining = m_entryDataSize;
    m_padding = paddingFor(m_entryDataSize);
}

void TarReader::handleEndOfArchive(uint64_t zeroBlockOffset)
{
    m_done = true;
    const size_t got = fill(ustar::BlockSize);
    if (got == 0) {
        m_warnings.push_back(Error(Error::Where {m_name, {}, {}, zeroBlockOffset},
                                   "the archive ends after a single zero block; the end-of-archive marker is two")
                                 .what());
        return;
    }
    if (got >= ustar::BlockSize && isZeroBlock(m_data + m_pos)) {
        m_pos += ustar::BlockSize;
    } else {
        m_warnings.push_back(Error(Error::Where {m_name, {}, {}, zeroBlockOffset},
                                   "a lone zero block is not followed by a second one; treating it as the end of "
                                   "the archive")
                                 .what());
    }
    drainTrailingBytes();
}

// Writers pad archives to their record size with zeros, so zeros after the marker are normal. Anything else is
// reported but not an error: every entry has been read intact. Draining also lets a decompressing source verify
// its trailer.
void TarReader::drainTrailingBytes()
{
    std::optional<uint64_t> firstNonZero;
    const uint64_t marker = offset();
    for (;;) {
        if (offset() - marker > MaxTrailingBytes)
            throw Error(Error::Where {m_name, {}, {}, marker},
                        "more than " + std::to_string(MaxTrailingBytes >> 20)
                            + " MiB follow the end-of-archive marker; stopped reading (a decompression bomb, or "
                              "another stream appended to the layer?)");
        if (available() == 0 && refillForData() == 0)
            break;
        if (!firstNonZero) {
            const uint8_t* begin = m_data + m_pos;
            const uint8_t* found = std::find_if(begin, m_data + m_end, [](uint8_t b) { return b != 0; });
            if (found != m_data + m_end)
                firstNonZero = offset() + uint64_t(found - begin);
        }
        m_pos = m_end;
    }
    if (firstNonZero)
        m_warnings.push_back(Error(Error::Where {m_name, {}, {}, *firstNonZero},
                                   "ignored non-zero bytes after the end-of-archive marker (the stream ends at byte "
                                       + std::to_string(offset()) + ")")
                                 .what());
}

} // namespace layerscope::tar
