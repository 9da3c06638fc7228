// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "tar/tarheader.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace layerscope::io {
class ByteSource;
}

namespace layerscope::tar {

// A streaming tar reader: v7, ustar, star, old GNU, PAX (`x` and `g`), GNU long names/links, GNU sparse files (old
// `S` headers and PAX 0.0, 0.1 and 1.0), base-256 numbers.
//
// Written by hand rather than over libarchive because libarchive 3.6 silently drops the MSWINDOWS.* PAX records
// that Windows layers carry their metadata in (wcow-layer-format §1.5); we need every record verbatim and in order.
//
// It reads every archive the way Go's archive/tar does, because that is what hcsshim, containerd and moby import
// layers with (wcow-layer-format §1.1): what it shows is what the importer extracts. In particular:
//  - only the last `x` header before an entry applies (earlier ones are ignored, with a warning); a GNU long name
//    or link beats a PAX path or linkpath; `g` headers are kept in globalRecords() but applied to no entry, and
//    any extension headers before a `g` header are dropped (Go returns the `g` header as an entry of its own);
//  - PAX numbers are Go's ParseInt (sign, leading zeros); a NUL in a key, or in a path, linkpath, uname or gname
//    value, rejects the archive, as does any other malformed record;
//  - a typeflag NUL entry whose name ends in '/' is a directory, otherwise a regular file ('0');
//  - GNU headers whose access/change time fields do not parse get the ustar prefix back (Go < 1.8 wrote it there);
//  - sparse entries have their real name and size, and their content reads expanded (holes as zeros, streamed:
//    nothing the size of the file is ever allocated).
// End of archive and truncation follow Go too: where Go's reader fails, this one throws; where Go's reader ends
// quietly (no end marker, a single zero block, a stream cut inside the last padding or after an extension
// header), this one ends with a warning. README "How tar archives are read" lists every case.
//
// The reader holds one entry's header and its extension records at a time, reads the source in big chunks and
// hands out entry data either copied (readData) or as a view into its buffer (readDataChunk), so that hashing the
// data of a large layer runs at memory speed.
//
// Bad input throws layerscope::Error naming the source, the logical entry index, its path when known and the byte
// offset of the offending header. Oddities that lose nothing are collected in warnings() instead, each naming the
// same.
class TarReader
{
public:
    // Limits that keep a hostile archive from making us allocate without bound.
    static constexpr uint64_t MaxExtendedHeaderSize = uint64_t(1) << 20; // PAX `x`/`g` payload, per entry
    static constexpr size_t MaxPathLength = 32 * 1024; // path/linkpath from PAX or GNU L/K
    static constexpr uint64_t MaxEntrySize = uint64_t(1) << 60;
    // Data runs of one sparse file (16 bytes each); Go has no limit, but real sparse files have far fewer.
    static constexpr size_t MaxSparseFragments = size_t(1) << 20;
    // Bytes read after the end-of-archive marker before giving up: writers pad to a record (10 KiB for GNU tar), so
    // more is a decompression bomb (a small gzip of gigabytes of zeros) or another stream appended.
    static constexpr uint64_t MaxTrailingBytes = uint64_t(16) << 20;
    static constexpr size_t DefaultBufferSize = size_t(1) << 20;

    explicit TarReader(io::ByteSource& source, size_t bufferSize = DefaultBufferSize);
    ~TarReader();
    TarReader(const TarReader&) = delete;
    TarReader& operator=(const TarReader&) = delete;

    // Advances to the next logical entry, skipping whatever data of the previous one was not read. Returns false
    // at the end of the archive (and keeps returning false). `out` is overwritten in place so that its strings
    // and record vector keep their capacity across entries.
    bool next(TarHeader& out);

    // Copies up to `size` bytes of the current entry's data; returns 0 at the end of the entry's data. Sparse files
    // read expanded. Throws when the archive ends early or a sparse file's stored data does not fit its map.
    size_t readData(void* buffer, size_t size);

    // Returns the next piece of the current entry's data (at most `maxSize` bytes) as a view into the internal
    // buffer (or, in a sparse file's holes, into a block of zeros), valid until the next call on this reader; an
    // empty span at the end of the entry's data.
    std::span<const uint8_t> readDataChunk(size_t maxSize = std::numeric_limits<size_t>::max());

    // Bytes of the current entry's data not yet read (logical bytes, holes included, for sparse files).
    uint64_t dataRemaining() const { return m_sparse ? m_logicalSize - m_logicalPos : m_dataRemaining; }

    // Every record of every `g` header seen so far, in stream order. POSIX says they apply to the entries that
    // follow; Go's archive/tar, and so every Windows importer, applies them to none, and neither do we. They are not
    // copied into TarHeader::pax.
    const std::vector<PaxRecord>& globalRecords() const { return m_globals; }

    const std::vector<std::string>& warnings() const { return m_warnings; }

    // Uncompressed bytes of the tar stream consumed so far.
    uint64_t offset() const { return m_bufferOffset + m_pos; }

    bool atEnd() const { return m_done; }
    const std::string& name() const { return m_name; }

private:
    size_t available() const { return m_end - m_pos; }
    size_t fill(size_t minimum);
    size_t refillForData();
    const uint8_t* readBlock(uint64_t headerOffset);
    void readPayload(uint64_t size, uint64_t headerOffset, const char* what, std::string& out);
    void finishEntry();
    bool endWithWarning(uint64_t offset, const std::string& message, bool pendingExtension);
    void handleEndOfArchive(uint64_t zeroBlockOffset, bool pendingExtension);
    void drainTrailingBytes();
    void parsePaxRecords(const std::string& data, uint64_t headerOffset, std::vector<PaxRecord>& records,
                         size_t& count);
    void buildHeader(const uint8_t* block, uint64_t blockOffset, TarHeader& out, size_t paxCount, bool hasLongName,
                     bool hasLongLink);
    void applyPaxRecords(TarHeader& out, size_t paxCount);
    void readSparseMap(const uint8_t* block, uint64_t blockOffset, TarHeader& out, size_t paxCount);
    void readOldGnuSparseMap(const uint8_t* block, uint64_t blockOffset, TarHeader& out);
    void readSparseMap1x0(TarHeader& out);
    void addSparseFragment(TarHeader& out, int64_t offset, int64_t length, uint64_t where);
    void readRawBlock(uint8_t* out);
    std::span<const uint8_t> readStoredChunk(size_t maxSize);
    std::span<const uint8_t> readSparseChunk(size_t maxSize);
    void warn(uint64_t offset, const std::string& message, bool withEntry = true);
    [[noreturn]] void fail(uint64_t offset, const std::string& message) const;
    [[noreturn]] void failTruncated(uint64_t needed, const char* what) const;

    io::ByteSource& m_source;
    std::string m_name;
    std::unique_ptr<uint8_t[]> m_buffer;
    // The bytes being parsed: m_buffer, or memory the source lends (ByteSource::borrow) while file data streams
    // through, which saves copying every byte of a layer once more.
    const uint8_t* m_data = nullptr;
    size_t m_capacity = 0;
    size_t m_pos = 0;
    size_t m_end = 0;
    uint64_t m_bufferOffset = 0; // stream offset of m_data[0]
    bool m_sourceEof = false;
    bool m_done = false;

    // The entry being read (or being assembled from extension headers): kept for error messages.
    uint64_t m_nextIndex = 0;
    uint64_t m_entryIndex = 0;
    std::string m_entryPath;
    uint64_t m_entryHeaderOffset = 0;
    uint64_t m_entryDataSize = 0;
    uint64_t m_dataRemaining = 0;
    uint64_t m_padding = 0;

    // The sparse file being read: its data runs (copied from the header, which the caller owns), the run being read
    // and the logical position.
    bool m_sparse = false;
    std::vector<SparseFragment> m_fragments;
    size_t m_fragment = 0;
    uint64_t m_logicalPos = 0;
    uint64_t m_logicalSize = 0;

    uint64_t m_paxHeaderOffset = 0; // the `x` header whose records apply to the entry being assembled
    bool m_paxHasSparse = false; // whether it has GNU.sparse.* records
    std::string m_payload; // reused for PAX and GNU long-name payloads
    std::string m_longName;
    std::string m_longLink;
    uint64_t m_globalBytes = 0;
    std::vector<PaxRecord> m_globals;
    std::vector<std::string> m_warnings;
};

} // namespace layerscope::tar
