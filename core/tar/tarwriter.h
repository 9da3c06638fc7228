// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "tar/tarheader.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace layerscope::io {
class ByteSink;
}

namespace layerscope::tar {

// Writes a tar stream in Go's archive/tar PAX dialect, the one Windows layer tools read (wcow-layer-format §1.2):
// a plain ustar header per entry, preceded by a PAX `x` header when the entry carries PAX records or a field does
// not fit ustar. Hand-written for the same reason as TarReader: libarchive 3.6 drops MSWINDOWS.* records.
//
// Usage: add(header), then writeData() exactly header.size bytes (none for links, directories, devices and
// FIFOs, whose data size is 0 whatever `size` says), ... then finish(). Output is deterministic: the same calls
// give the same bytes. Errors (bad header, wrong data amount, calls out of order) throw layerscope::Error; sink
// errors propagate.
//
// PAX records: header.pax is written verbatim and in order, except that the last non-empty record of a standard
// key (path, linkpath, size, uid, gid, uname, gname) takes the header field's value, and `mtime` is rewritten only
// when its whole seconds disagree with header.mtime — so an edited header wins over stale records. Standard
// records a field needs and header.pax lacks are appended (path, linkpath, size, uid, gid, uname, gname, mtime);
// for such fields the ustar field holds what fits (Go and Python do the same). Hence reading back an entry that
// came from a GNU long-name or base-256 header gives the same fields plus those appended records.
class TarWriter
{
public:
    // The limit TarReader accepts for one entry's records.
    static constexpr size_t MaxExtendedHeaderSize = size_t(1) << 20;

    explicit TarWriter(io::ByteSink& sink);

    // Starts an entry. The previous entry's data must be complete.
    void add(const TarHeader& header);

    // Appends data of the current entry; the total must equal the entry's data size.
    void writeData(const void* data, size_t size);

    // Writes a PAX global (`g`) header, named "GlobalHead.0.0" as Go names it. Between entries only.
    void addGlobal(const std::vector<PaxRecord>& records);

    // Writes the end-of-archive marker (two zero blocks). Does NOT call sink.finish(): the caller owns the sink
    // and may write more to it (e.g. a compressor's trailer) or wrap this stream in another.
    void finish();

    // Bytes written to the sink so far.
    uint64_t offset() const { return m_offset; }

private:
    void write(const void* data, size_t size);
    void writePadding(uint64_t dataSize);
    void writeExtendedHeader(char type, const std::string& name, const std::vector<PaxRecord>& records);
    void requireBetweenEntries(const char* what) const;
    [[noreturn]] void fail(const std::string& message) const;

    io::ByteSink& m_sink;
    uint64_t m_offset = 0;
    uint64_t m_nextIndex = 0;
    uint64_t m_entryIndex = 0;
    std::string m_entryPath;
    uint64_t m_entrySize = 0;
    uint64_t m_remaining = 0;
    bool m_inEntry = false;
    bool m_finished = false;
    std::vector<PaxRecord> m_records; // reused per entry
    std::string m_payload;
};

} // namespace layerscope::tar
