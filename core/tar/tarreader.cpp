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

// A numeric header field as Go's archive/tar reads it: the GNU/star base-256 form (high bit of the first byte set;
// bit 6 is the sign of a two's-complement big-endian number, which is how big uids and negative mtimes are stored),
// or octal digits with spaces and NULs trimmed from both ends and anything after an inner NUL ignored; an empty
// field is 0. Returns false when the field is neither, or does not fit 63 bits.
bool parseOctal(const uint8_t* field, size_t size, int64_t& out)
{
    size_t begin = 0;
    size_t end = size;
    while (begin < end && (field[begin] == ' ' || field[begin] == '\0'))
        ++begin;
    while (end > begin && (field[end - 1] == ' ' || field[end - 1] == '\0'))
        --end;
    if (const void* nul = std::memchr(field + begin, 0, end - begin))
        end = size_t(static_cast<const uint8_t*>(nul) - field);
    uint64_t value = 0;
    for (size_t i = begin; i < end; ++i) {
        if (field[i] < '0' || field[i] > '7' || (value >> 60))
            return false;
        value = value * 8 + uint64_t(field[i] - '0');
    }
    out = int64_t(value);
    return true;
}

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
    return parseOctal(field, size, out);
}

bool isAscii(std::string_view text)
{
    return std::all_of(text.begin(), text.end(), [](char c) { return uint8_t(c) < 0x80 && c != '\0'; });
}

using pax::parseInteger;
using pax::parseTime;

enum class StandardKey { None, Path, LinkPath, Size, Uid, Gid, Uname, Gname, Mtime, Atime, Ctime, Count };

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
            : key == "atime"  ? StandardKey::Atime
            : key == "ctime"  ? StandardKey::Ctime
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

// GNU sparse PAX keys (GNU tar manual, "Storing Sparse Files"; Go's archive/tar reads the same ones).
namespace sparsekey {
constexpr std::string_view Prefix = "GNU.sparse.";
constexpr std::string_view Major = "GNU.sparse.major";
constexpr std::string_view Minor = "GNU.sparse.minor";
constexpr std::string_view Name = "GNU.sparse.name";
constexpr std::string_view Size = "GNU.sparse.size";
constexpr std::string_view RealSize = "GNU.sparse.realsize";
constexpr std::string_view NumBlocks = "GNU.sparse.numblocks";
constexpr std::string_view Map = "GNU.sparse.map";
constexpr std::string_view Offset = "GNU.sparse.offset"; // format 0.0: one record per run, with NumBytes
constexpr std::string_view NumBytes = "GNU.sparse.numbytes";
} // namespace sparsekey

// Old GNU header: four sparse entries (offset, numbytes: 12 octal bytes each) from byte 386, the "is extended"
// flag at 482 and the real size at 483; extension blocks hold 21 entries and their own flag at 504.
constexpr size_t GnuSparseEntries = 386;
constexpr size_t GnuRealSize = 483;
constexpr size_t GnuAtime = 345;
constexpr size_t GnuCtime = 357;
constexpr size_t StarAtime = 476;
constexpr size_t StarCtime = 488;

// Holes read as these zeros.
constexpr size_t ZeroBlockSize = 64 * 1024;
const uint8_t ZeroBytes[ZeroBlockSize] = {};

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

void TarReader::warn(uint64_t offset, const std::string& message, bool withEntry)
{
    if (withEntry)
        m_warnings.push_back(Error(Error::Where {m_name, m_entryIndex, m_entryPath, offset}, message).what());
    else
        m_warnings.push_back(Error(Error::Where {m_name, {}, {}, offset}, message).what());
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
        if (available() == 0 && fill(1) == 0) {
            if (out.size() == size)
                return; // only padding is missing: Go's reader then ends the archive, and so will the next block read
            fail(headerOffset,
                 std::string("archive is truncated: the ") + what + " needs " + std::to_string(size)
                     + " bytes but the stream ends at byte " + std::to_string(offset()));
        }
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
    m_sparse = false;
    while (m_padding > 0) {
        if (available() == 0 && refillForData() == 0) {
            // Every data byte arrived; only the zero padding is missing. Go's reader takes this as the end of the
            // archive, so nothing is lost and the archive is not refused.
            warn(offset(), "the stream ends inside the padding after the entry's data; no end-of-archive marker");
            m_padding = 0;
            m_done = true;
            return;
        }
        const size_t take = size_t(std::min<uint64_t>(available(), m_padding));
        m_pos += take;
        m_padding -= take;
    }
}

std::span<const uint8_t> TarReader::readStoredChunk(size_t maxSize)
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

// The logical content of a sparse file: stored bytes inside data runs, zeros between them. Like Go's reader, it
// fails when the stored data runs out before the map says (missing data) or outlasts it (unreferenced data).
std::span<const uint8_t> TarReader::readSparseChunk(size_t maxSize)
{
    if (m_logicalPos == m_logicalSize) {
        if (m_dataRemaining > 0)
            fail(m_entryHeaderOffset,
                 "sparse file stores " + std::to_string(m_dataRemaining)
                     + " more bytes than its sparse map refers to (Go's archive/tar refuses to read it)");
        return {};
    }
    if (maxSize == 0)
        return {};
    while (m_fragment < m_fragments.size()
           && m_logicalPos >= m_fragments[m_fragment].offset + m_fragments[m_fragment].length)
        ++m_fragment;
    const bool inData = m_fragment < m_fragments.size() && m_logicalPos >= m_fragments[m_fragment].offset;
    if (!inData) {
        const uint64_t holeEnd = m_fragment < m_fragments.size() ? m_fragments[m_fragment].offset : m_logicalSize;
        const size_t take = size_t(std::min<uint64_t>({holeEnd - m_logicalPos, maxSize, ZeroBlockSize}));
        m_logicalPos += take;
        return {ZeroBytes, take};
    }
    const uint64_t runEnd = m_fragments[m_fragment].offset + m_fragments[m_fragment].length;
    if (m_dataRemaining == 0)
        fail(m_entryHeaderOffset,
             "sparse file stores fewer bytes than its sparse map needs: the data for logical byte "
                 + std::to_string(m_logicalPos) + " is missing (Go's archive/tar refuses to read it)");
    const auto chunk = readStoredChunk(size_t(std::min<uint64_t>(runEnd - m_logicalPos, maxSize)));
    m_logicalPos += chunk.size();
    return chunk;
}

size_t TarReader::readData(void* buffer, size_t size)
{
    auto* out = static_cast<uint8_t*>(buffer);
    if (m_sparse) {
        size_t done = 0;
        while (done < size) {
            const auto chunk = readSparseChunk(size - done);
            if (chunk.empty())
                break;
            std::memcpy(out + done, chunk.data(), chunk.size());
            done += chunk.size();
        }
        return done;
    }
    const size_t wanted = size_t(std::min<uint64_t>(size, m_dataRemaining));
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
    return m_sparse ? readSparseChunk(maxSize) : readStoredChunk(maxSize);
}

// "length key=value\n" records, where length counts the whole record in decimal (POSIX pax "pax Extended Header"),
// checked as Go's archive/tar checks them (parsePAXRecord, validPAXRecord): an archive Go refuses is one no Windows
// importer can read. Records are stored into records[count...], reusing existing elements so their strings keep
// their capacity.
void TarReader::parsePaxRecords(const std::string& data, uint64_t headerOffset, std::vector<PaxRecord>& records,
                                size_t& count)
{
    auto malformed = [&](size_t at, const std::string& why) {
        fail(headerOffset, "malformed PAX record at byte " + std::to_string(at) + " of the extended header: " + why);
    };
    m_paxHasSparse = false;
    size_t sparseRecords = 0; // format 0.0: GNU.sparse.offset and GNU.sparse.numbytes must alternate
    size_t pos = 0;
    while (pos < data.size()) {
        const size_t space = data.find(' ', pos);
        if (space == std::string::npos) {
            if (data[pos] == '\0')
                malformed(pos, "NUL bytes where a record should start (Go's archive/tar rejects the header)");
            malformed(pos, "expected a space after the record length");
        }
        int64_t length = 0;
        const std::string_view lengthText(data.data() + pos, space - pos);
        if (!parseInteger(lengthText, length))
            malformed(pos,
                      "the record length is not a decimal number (\""
                          + printable(data.substr(pos, std::min<size_t>(space - pos, 16))) + "\")");
        if (length < 5)
            malformed(pos, "record length " + std::to_string(length) + " is shorter than any record");
        if (uint64_t(length) > data.size() - pos)
            malformed(pos,
                      "record length " + std::string(lengthText) + " runs past the end of the header ("
                          + std::to_string(data.size() - pos) + " bytes left)");
        const size_t end = pos + size_t(length);
        if (end <= space + 1 || data[end - 1] != '\n')
            malformed(pos, "record length " + std::to_string(length) + " does not end at a newline");
        const std::string_view keyValue(data.data() + space + 1, end - 1 - (space + 1));
        const size_t equals = keyValue.find('=');
        if (equals == std::string_view::npos)
            malformed(pos, "record has no '=' (\"" + printable(keyValue.substr(0, 64)) + "\")");
        if (equals == 0)
            malformed(pos, "record has an empty key");
        const std::string_view key = keyValue.substr(0, equals);
        const std::string_view value = keyValue.substr(equals + 1);
        if (key.find('\0') != std::string_view::npos)
            malformed(pos, "the key \"" + printable(key.substr(0, 64)) + "\" contains a NUL byte");

        const StandardKey which = standardKey(key);
        if ((which == StandardKey::Path || which == StandardKey::LinkPath || which == StandardKey::Uname
             || which == StandardKey::Gname)
            && value.find('\0') != std::string_view::npos)
            malformed(pos,
                      std::string(key) + " \"" + printable(value.substr(0, 64))
                          + "\" contains a NUL byte (Go's archive/tar rejects the header)");
        if ((which == StandardKey::Path || which == StandardKey::LinkPath) && value.size() > MaxPathLength)
            fail(headerOffset,
                 "PAX " + std::string(key) + " of " + std::to_string(value.size()) + " bytes exceeds the 32 KiB limit");
        if (which == StandardKey::Path && !value.empty())
            m_entryPath.assign(value);
        if (key.starts_with(sparsekey::Prefix)) {
            m_paxHasSparse = true;
            if (key == sparsekey::Offset || key == sparsekey::NumBytes) {
                const bool wantOffset = sparseRecords % 2 == 0;
                if ((key == sparsekey::Offset) != wantOffset)
                    malformed(pos,
                              std::string(key)
                                  + " out of order: GNU.sparse.offset and GNU.sparse.numbytes must "
                                    "alternate, offset first");
                if (value.find(',') != std::string_view::npos)
                    malformed(pos, std::string(key) + " \"" + printable(value.substr(0, 32)) + "\" contains a comma");
                ++sparseRecords;
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

bool TarReader::endWithWarning(uint64_t at, const std::string& message, bool pendingExtension)
{
    if (pendingExtension)
        warn(at,
             message
                 + "; the extension header before it belongs to no entry and is ignored (Go's archive/tar ends the "
                   "archive here too)");
    else
        warn(at, message, false);
    m_done = true;
    return false;
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
    size_t paxHeaders = 0;
    bool hasLongName = false;
    bool hasLongLink = false;
    bool pendingExtension = false;
    m_paxHasSparse = false;

    for (;;) {
        const uint64_t blockOffset = offset();
        const uint8_t* block = readBlock(blockOffset);
        if (!block)
            return endWithWarning(blockOffset, "the archive has no end-of-archive marker (two zero blocks)",
                                  pendingExtension);
        if (isZeroBlock(block)) {
            handleEndOfArchive(blockOffset, pendingExtension);
            return false;
        }

        int64_t stored = 0;
        if (!parseOctal(block + ustar::Checksum.offset, ustar::Checksum.size, stored))
            fail(blockOffset,
                 "the header checksum field " + quotedField(block, ustar::Checksum)
                     + " is not an octal number (not a tar header?)");
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
        if (size < 0 && !isHeaderOnly(type))
            fail(blockOffset, "negative size " + std::to_string(size));
        if (size > 0 && uint64_t(size) > MaxEntrySize)
            fail(blockOffset, "size " + std::to_string(size) + " is absurd (more than 2^60 bytes)");

        switch (type) {
        case typeflag::PaxExtended:
            if (uint64_t(size) > MaxExtendedHeaderSize)
                fail(blockOffset, "PAX extended header of " + std::to_string(size) + " bytes exceeds the 1 MiB limit");
            // Go's archive/tar keeps only the last `x` header's records; an importer never sees the others.
            m_entryPath = hasLongName ? m_longName : std::string();
            if (paxHeaders > 0)
                warn(blockOffset,
                     "another extended header for the same entry: only the last one applies (Go's archive/tar, "
                     "which Windows importers read layers with, ignores the earlier one at byte "
                         + std::to_string(m_paxHeaderOffset) + ")");
            ++paxHeaders;
            paxCount = 0;
            readPayload(uint64_t(size), blockOffset, "PAX extended header", m_payload);
            parsePaxRecords(m_payload, blockOffset, out.pax, paxCount);
            m_paxHeaderOffset = blockOffset;
            if (hasLongName)
                m_entryPath = m_longName;
            pendingExtension = true;
            continue;
        case typeflag::PaxGlobal: {
            if (uint64_t(size) > MaxExtendedHeaderSize - m_globalBytes)
                fail(blockOffset,
                     "PAX global headers of " + std::to_string(m_globalBytes + uint64_t(size))
                         + " bytes in total exceed the 1 MiB limit");
            m_globalBytes += uint64_t(size);
            readPayload(uint64_t(size), blockOffset, "PAX global header", m_payload);
            const size_t recordsBefore = m_globals.size();
            size_t globalCount = recordsBefore;
            const bool entrySparse = m_paxHasSparse;
            parsePaxRecords(m_payload, blockOffset, m_globals, globalCount);
            m_paxHasSparse = entrySparse;
            // Go hands a `g` header out as an entry of its own, so extension headers before it are lost.
            if (pendingExtension)
                warn(blockOffset,
                     "extension headers before this global header belong to no entry and are ignored (Go's "
                     "archive/tar returns the global header as an entry of its own)");
            warn(blockOffset,
                 "global extended header with " + std::to_string(globalCount - recordsBefore)
                     + " records: Go's archive/tar, which Windows importers read layers with, applies them to no "
                       "entry, and neither does LayerScope");
            paxCount = 0;
            paxHeaders = 0;
            hasLongName = hasLongLink = pendingExtension = false;
            m_paxHasSparse = false;
            m_entryPath.clear();
            m_entryHeaderOffset = offset();
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

// Applies the entry's PAX records over the header fields as Go's mergePAX does: for each standard key only the
// last record counts, an empty value keeps the header field, and a value that does not parse rejects the archive.
void TarReader::applyPaxRecords(TarHeader& out, size_t paxCount)
{
    uint32_t applied = 0;
    for (size_t i = paxCount; i-- > 0;) {
        const PaxRecord& record = out.pax[i];
        const StandardKey which = standardKey(record.key);
        if (which == StandardKey::None || (applied & (1u << unsigned(which))))
            continue;
        applied |= 1u << unsigned(which);
        if (record.value.empty())
            continue;
        int64_t number = 0;
        auto invalid = [&](const char* what) {
            fail(m_paxHeaderOffset,
                 "PAX " + record.key + " \"" + printable(std::string_view(record.value).substr(0, 32)) + "\" is not "
                     + what + " (Go's archive/tar rejects the entry)");
        };
        switch (which) {
        case StandardKey::Path:
            out.path.assign(record.value);
            break;
        case StandardKey::LinkPath:
            out.linkPath.assign(record.value);
            break;
        case StandardKey::Uname:
            out.uname.assign(record.value);
            break;
        case StandardKey::Gname:
            out.gname.assign(record.value);
            break;
        case StandardKey::Size:
            if (!parseInteger(record.value, number))
                invalid("a decimal number of at most 63 bits");
            if (number > 0 && uint64_t(number) > MaxEntrySize)
                fail(m_paxHeaderOffset, "PAX size " + record.value + " is absurd (more than 2^60 bytes)");
            if (number < 0 && !isHeaderOnly(out.type))
                fail(m_paxHeaderOffset, "negative PAX size " + record.value);
            out.size = number < 0 ? 0 : uint64_t(number);
            break;
        case StandardKey::Uid:
            if (!parseInteger(record.value, number))
                invalid("a decimal number");
            out.uid = uint64_t(number);
            break;
        case StandardKey::Gid:
            if (!parseInteger(record.value, number))
                invalid("a decimal number");
            out.gid = uint64_t(number);
            break;
        case StandardKey::Mtime:
            if (!parseTime(record.value, out.mtime))
                invalid("a PAX time");
            break;
        case StandardKey::Atime:
        case StandardKey::Ctime:
            if (!parseTime(record.value, number))
                invalid("a PAX time");
            break;
        case StandardKey::None:
        case StandardKey::Count:
            break;
        }
    }
}

void TarReader::buildHeader(const uint8_t* block, uint64_t blockOffset, TarHeader& out, size_t paxCount,
                            bool hasLongName, bool hasLongLink)
{
    // Formats as Go's archive/tar tells them apart (block.getFormat): "ustar\0" magic is ustar/PAX, or star when
    // the block ends in "tar\0"; "ustar  \0" is old GNU; anything else is v7, which has no owner names, device
    // numbers or prefix.
    const auto* magic = block + ustar::Magic.offset;
    const bool posix = std::memcmp(magic, "ustar\0", 6) == 0;
    const bool gnu = std::memcmp(magic, ustar::GnuMagic, ustar::MagicAndVersionSize) == 0;
    const bool star = posix && std::memcmp(block + ustar::StarTrailer.offset, "tar\0", 4) == 0;
    const bool v7 = !posix && !gnu;

    auto numeric = [&](size_t offset, size_t size, const char* what) {
        int64_t value = 0;
        if (!parseNumeric(block + offset, size, value))
            fail(blockOffset,
                 std::string("invalid number in the ") + what + " field " + quotedField(block, {offset, size}));
        return value;
    };
    auto unsignedNumeric = [&](ustar::Field field, const char* what) {
        const int64_t value = numeric(field.offset, field.size, what);
        if (value < 0)
            fail(blockOffset, std::string("negative ") + what + " " + std::to_string(value));
        return uint64_t(value);
    };

    const int64_t fieldSize = numeric(ustar::Size.offset, ustar::Size.size, "size"); // validated by next()
    out.uid = unsignedNumeric(ustar::Uid, "uid");
    out.gid = unsignedNumeric(ustar::Gid, "gid");
    out.mtime = numeric(ustar::Mtime.offset, ustar::Mtime.size, "mtime");
    out.mode = uint32_t(unsignedNumeric(ustar::Mode, "mode"));
    out.devMajor = v7 ? 0 : uint32_t(unsignedNumeric(ustar::DevMajor, "devmajor"));
    out.devMinor = v7 ? 0 : uint32_t(unsignedNumeric(ustar::DevMinor, "devminor"));
    out.type = char(block[ustar::Typeflag.offset]);
    out.size = fieldSize < 0 ? 0 : uint64_t(fieldSize);
    out.atime.reset();
    out.ctime.reset();
    out.sparse = false;
    out.sparseMap.clear();

    std::string_view prefix;
    if (star) {
        prefix = fieldString(block, ustar::StarPrefix);
        out.atime = numeric(StarAtime, 12, "access time");
        out.ctime = numeric(StarCtime, 12, "change time");
    } else if (posix) {
        prefix = fieldString(block, ustar::Prefix);
    } else if (gnu) {
        // Go < 1.8 wrote a ustar prefix into old GNU headers, where the access and change times live; Go reads such
        // headers' prefix back when those fields do not parse as numbers and the prefix is ASCII. Old Windows layers
        // were written by those Go versions.
        int64_t atime = 0;
        int64_t ctime = 0;
        const bool atimeOk = block[GnuAtime] == 0 || parseNumeric(block + GnuAtime, 12, atime);
        const bool ctimeOk = block[GnuCtime] == 0 || parseNumeric(block + GnuCtime, 12, ctime);
        if (atimeOk && ctimeOk) {
            if (block[GnuAtime] != 0)
                out.atime = atime;
            if (block[GnuCtime] != 0)
                out.ctime = ctime;
        } else if (const std::string_view restored = fieldString(block, ustar::Prefix); isAscii(restored)) {
            prefix = restored;
        }
    }
    const std::string_view name = fieldString(block, ustar::Name);
    if (prefix.empty()) {
        out.path.assign(name);
    } else {
        out.path.assign(prefix);
        out.path += '/';
        out.path += name;
    }
    out.linkPath.assign(fieldString(block, ustar::LinkName));
    if (v7) {
        out.uname.clear();
        out.gname.clear();
    } else {
        out.uname.assign(fieldString(block, ustar::Uname));
        out.gname.assign(fieldString(block, ustar::Gname));
    }

    // The entry's own records override the fields; global records apply to nothing (see globalRecords()). A GNU long
    // name or link then overrides a PAX path or linkpath, as in Go.
    applyPaxRecords(out, paxCount);
    out.pax.resize(paxCount);
    if (hasLongName)
        out.path.assign(m_longName);
    if (hasLongLink)
        out.linkPath.assign(m_longLink);
    // Legacy archives mark directories with a trailing slash on a typeflag NUL entry.
    if (out.type == typeflag::RegularOld)
        out.type = out.path.ends_with('/') ? typeflag::Directory : typeflag::Regular;

    m_entryPath = out.path;
    m_entryDataSize = isHeaderOnly(out.type) ? 0 : out.size;
    m_dataRemaining = m_entryDataSize;
    m_padding = paddingFor(m_entryDataSize);
    out.storedSize = m_entryDataSize;

    if (out.type == typeflag::GnuSparse || (paxCount > 0 && m_paxHasSparse))
        readSparseMap(block, blockOffset, out, paxCount);

    out.index = m_entryIndex;
    out.headerOffset = m_entryHeaderOffset;
    out.dataOffset = offset();
    ++m_nextIndex;
}

void TarReader::addSparseFragment(TarHeader& out, int64_t offset, int64_t length, uint64_t where)
{
    if (offset < 0 || length < 0 || offset > INT64_MAX - length)
        fail(where,
             "sparse map entry (offset " + std::to_string(offset) + ", length " + std::to_string(length)
                 + ") is invalid");
    if (out.sparseMap.size() >= MaxSparseFragments)
        fail(where, "sparse map has more than " + std::to_string(MaxSparseFragments) + " entries");
    out.sparseMap.push_back(SparseFragment {uint64_t(offset), uint64_t(length)});
}

// Sparse files (GNU tar manual, "Storing Sparse Files"), recognised and checked as Go's archive/tar does
// (handleSparseFile): old GNU `S` headers carry the map in the header and extension blocks; PAX 0.0 and 0.1 in
// GNU.sparse.* records; PAX 1.0 at the start of the data, in decimal lines padded to a block. The entry gets its
// real name and size; the stored data holds only the runs, which readDataChunk() expands.
void TarReader::readSparseMap(const uint8_t* block, uint64_t blockOffset, TarHeader& out, size_t paxCount)
{
    if (out.type == typeflag::GnuSparse) {
        readOldGnuSparseMap(block, blockOffset, out);
    } else {
        auto last = [&](std::string_view key) -> const std::string* {
            for (size_t i = paxCount; i-- > 0;)
                if (out.pax[i].key == key)
                    return &out.pax[i].value;
            return nullptr;
        };
        auto value = [&](std::string_view key) {
            const std::string* v = last(key);
            return v ? std::string_view(*v) : std::string_view();
        };
        // Format 0.0 spreads the map over GNU.sparse.offset/numbytes pairs; Go joins them into GNU.sparse.map.
        std::string joined;
        for (size_t i = 0; i < paxCount; ++i)
            if (out.pax[i].key == sparsekey::Offset || out.pax[i].key == sparsekey::NumBytes)
                joined += (joined.empty() ? "" : ",") + out.pax[i].value;
        const std::string_view map = joined.empty() ? value(sparsekey::Map) : std::string_view(joined);
        const std::string_view major = value(sparsekey::Major);
        const std::string_view minor = value(sparsekey::Minor);
        bool format1x0 = false;
        if (major == "0" && (minor == "0" || minor == "1"))
            format1x0 = false;
        else if (major == "1" && minor == "0")
            format1x0 = true;
        else if (!major.empty() || !minor.empty())
            return; // an unknown version: Go reads the entry as a plain file
        else if (map.empty())
            return; // not sparse
        if (isHeaderOnly(out.type))
            fail(m_paxHeaderOffset, "a " + std::string(1, out.type) + " entry cannot be a sparse file");
        if (const std::string_view name = value(sparsekey::Name); !name.empty()) {
            if (name.size() > MaxPathLength)
                fail(m_paxHeaderOffset,
                     "GNU.sparse.name of " + std::to_string(name.size()) + " bytes exceeds the 32 KiB limit");
            out.path.assign(name);
            m_entryPath = out.path;
        }
        std::string_view sizeText = value(sparsekey::Size);
        if (sizeText.empty())
            sizeText = value(sparsekey::RealSize);
        if (!sizeText.empty()) {
            int64_t size = 0;
            if (!parseInteger(sizeText, size) || size < 0)
                fail(m_paxHeaderOffset, "GNU sparse size \"" + printable(sizeText.substr(0, 32)) + "\" is not a size");
            out.size = uint64_t(size);
        }
        if (format1x0) {
            readSparseMap1x0(out);
        } else {
            int64_t count = 0;
            if (!parseInteger(value(sparsekey::NumBlocks), count) || count < 0)
                fail(m_paxHeaderOffset,
                     "GNU.sparse.numblocks \"" + printable(value(sparsekey::NumBlocks).substr(0, 32))
                         + "\" is not a count");
            size_t numbers = 0;
            int64_t pending = 0;
            for (size_t start = 0; !map.empty() && start <= map.size();) {
                size_t comma = map.find(',', start);
                if (comma == std::string_view::npos)
                    comma = map.size();
                int64_t number = 0;
                if (!parseInteger(map.substr(start, comma - start), number))
                    fail(m_paxHeaderOffset,
                         "GNU sparse map \"" + printable(map.substr(0, 64))
                             + "\" holds something that is not a number");
                if (numbers++ % 2 == 0)
                    pending = number;
                else
                    addSparseFragment(out, pending, number, m_paxHeaderOffset);
                start = comma + 1;
            }
            if (uint64_t(count) > MaxSparseFragments || numbers != 2 * uint64_t(count))
                fail(m_paxHeaderOffset,
                     "GNU sparse map holds " + std::to_string(numbers) + " numbers but GNU.sparse.numblocks says "
                         + std::to_string(count) + " runs");
        }
    }
    if (out.size > MaxEntrySize)
        fail(blockOffset, "sparse size " + std::to_string(out.size) + " is absurd (more than 2^60 bytes)");
    // Runs must lie inside the file, in order, without overlapping (Go's validateSparseEntries).
    uint64_t previousEnd = 0;
    for (const SparseFragment& fragment : out.sparseMap) {
        if (fragment.offset + fragment.length > out.size || fragment.offset < previousEnd)
            fail(blockOffset,
                 "sparse map run (offset " + std::to_string(fragment.offset) + ", length "
                     + std::to_string(fragment.length) + ") overlaps another or lies past the file's size "
                     + std::to_string(out.size));
        previousEnd = fragment.offset + fragment.length;
    }
    out.sparse = true;
    m_sparse = true;
    m_fragments.assign(out.sparseMap.begin(), out.sparseMap.end());
    m_fragment = 0;
    m_logicalPos = 0;
    m_logicalSize = out.size;
}

void TarReader::readOldGnuSparseMap(const uint8_t* block, uint64_t blockOffset, TarHeader& out)
{
    if (std::memcmp(block + ustar::Magic.offset, ustar::GnuMagic, ustar::MagicAndVersionSize) != 0)
        fail(blockOffset, "typeflag 'S' (old GNU sparse file) in a header without GNU magic");
    int64_t realSize = 0;
    if (!parseNumeric(block + GnuRealSize, 12, realSize) || realSize < 0)
        fail(blockOffset, "invalid number in the GNU real size field " + quotedField(block, {GnuRealSize, 12}));
    out.size = uint64_t(realSize);
    // The header's own four entries, then 21 per extension block while the "is extended" flag is set. The header
    // block may be overwritten by reading extension blocks, so copy what is needed first.
    uint8_t current[ustar::BlockSize];
    std::memcpy(current, block, ustar::BlockSize);
    size_t entries = 4;
    size_t first = GnuSparseEntries;
    size_t extendedFlag = ustar::GnuIsExtended;
    uint64_t where = blockOffset;
    for (;;) {
        for (size_t i = 0; i < entries; ++i) {
            const uint8_t* entry = current + first + 24 * i;
            if (entry[0] == 0)
                break; // GNU, BSD and Go tar stop a block's list at the first empty offset
            int64_t offset = 0;
            int64_t length = 0;
            if (!parseNumeric(entry, 12, offset) || !parseNumeric(entry + 12, 12, length))
                fail(where,
                     "invalid number in a GNU sparse map entry at byte " + std::to_string(where + first + 24 * i));
            addSparseFragment(out, offset, length, where);
        }
        if (current[extendedFlag] == 0)
            break;
        where = offset();
        const uint8_t* extension = readBlock(where);
        if (!extension)
            fail(where, "archive is truncated: the stream ends inside a GNU sparse header");
        std::memcpy(current, extension, ustar::BlockSize);
        entries = 21;
        first = 0;
        extendedFlag = ustar::GnuSparseExtensionIsExtended;
    }
}

// One block of the entry's stored data, for the PAX 1.0 sparse map.
void TarReader::readRawBlock(uint8_t* out)
{
    size_t done = 0;
    while (done < ustar::BlockSize) {
        if (m_dataRemaining == 0)
            fail(m_entryHeaderOffset, "the GNU sparse map (format 1.0) runs past the entry's stored data");
        const auto chunk = readStoredChunk(ustar::BlockSize - done);
        std::memcpy(out + done, chunk.data(), chunk.size());
        done += chunk.size();
    }
}

// PAX 1.0: newline-terminated decimal numbers at the start of the data — the run count, then offset and length of
// each run — padded to whole blocks. Parsed as it streams (only the current number is held), consuming the blocks
// up to the one holding the last newline, as Go does.
void TarReader::readSparseMap1x0(TarHeader& out)
{
    uint8_t block[ustar::BlockSize];
    std::string token;
    int64_t count = -1;
    uint64_t numbers = 0;
    int64_t pending = 0;
    const uint64_t mapOffset = offset();
    auto done = [&] { return count >= 0 && numbers == 2 * uint64_t(count); };
    while (!done()) {
        readRawBlock(block);
        for (size_t i = 0; i < ustar::BlockSize && !done(); ++i) {
            if (block[i] != '\n') {
                if (token.size() > 32)
                    fail(mapOffset, "the GNU sparse map (format 1.0) holds a number of more than 32 characters");
                token += char(block[i]);
                continue;
            }
            int64_t number = 0;
            if (!parseInteger(token, number))
                fail(mapOffset,
                     "the GNU sparse map (format 1.0) holds \"" + printable(token) + "\", which is not a number");
            token.clear();
            if (count < 0) {
                if (number < 0 || uint64_t(number) > MaxSparseFragments)
                    fail(mapOffset, "the GNU sparse map (format 1.0) claims " + std::to_string(number) + " runs");
                count = number;
            } else if (numbers++ % 2 == 0) {
                pending = number;
            } else {
                addSparseFragment(out, pending, number, mapOffset);
            }
        }
    }
}

// Go's reader: two zero blocks end the archive (what follows is never read); one zero block followed by the end of
// the stream also ends it quietly; a zero block followed by anything else, or by part of a block, is an error.
void TarReader::handleEndOfArchive(uint64_t zeroBlockOffset, bool pendingExtension)
{
    m_done = true;
    const size_t got = fill(ustar::BlockSize);
    if (got == 0) {
        endWithWarning(zeroBlockOffset, "the archive ends after a single zero block; the end-of-archive marker is two",
                       pendingExtension);
        return;
    }
    if (got < ustar::BlockSize)
        fail(zeroBlockOffset,
             "archive is truncated: the stream ends at byte " + std::to_string(zeroBlockOffset + 512 + got)
                 + " inside the second block of the end-of-archive marker");
    if (!isZeroBlock(m_data + m_pos))
        fail(zeroBlockOffset,
             "a zero block is followed by a non-zero block at byte " + std::to_string(zeroBlockOffset + 512)
                 + ": not an end-of-archive marker and not a header (Go's archive/tar rejects the archive)");
    m_pos += ustar::BlockSize;
    if (pendingExtension)
        endWithWarning(zeroBlockOffset, "the end-of-archive marker follows an extension header", true);
    drainTrailingBytes();
}

// Writers pad archives to their record size with zeros, so zeros after the marker are normal. Anything else is
// reported but not an error: every entry has been read intact and Go's reader never looks past the marker.
// Draining also lets a decompressing source verify its trailer.
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
        warn(*firstNonZero,
             "ignored non-zero bytes after the end-of-archive marker (the stream ends at byte "
                 + std::to_string(offset()) + ")",
             false);
}

} // namespace layerscope::tar
