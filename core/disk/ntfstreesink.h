// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "common/sha256.h"
#include "index/layerscan.h"
#include "index/treeindexbuilder.h"
#include "wcow/paxtime.h"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace layerscope::disk {

// Thrown by a reader for one entry that cannot be read; the reader records it and goes on.
struct EntryFailure
{
    std::string message;
};

// What a reader of the volume (the MFT scan or libfsntfs's directory walk) knows of one name of a file record.
struct NtfsNameFacts
{
    uint64_t record = 0;
    bool directory = false; // the record has a $I30 index
    uint32_t attributes = 0; // $STANDARD_INFORMATION's
    uint64_t created = 0, modified = 0, accessed = 0, changed = 0; // FILETIMEs
    std::string_view sddl;
    uint64_t size = 0; // of the unnamed $DATA
    bool reparse = false;
    uint32_t reparseTag = 0;
    std::string_view linkTarget; // a symlink's or junction's print name
};

// Turns the names of a volume's file records into tree entries the same way for both readers of the volume: the
// directory bit Windows reports for folders, WCI tombstones as whiteouts, later names of a record as hard links to
// its first, alternate data streams as "file:stream" entries, digests only for data that is the file's own, the
// counts and byte totals of the scan.
class NtfsTreeSink
{
public:
    NtfsTreeSink(std::string root, const index::ScanOptions& options, index::LayerScan& scan);

    const std::string& root() const { return m_root; }
    bool hashFiles() const { return m_hashFiles; }
    Progress& progress() { return m_progress; }

    // Skipped: a name no path can hold (empty, "." or "..", or with a '/'), reported as a problem of its folder.
    enum class Placed { Entry, Directory, HardLink, Whiteout, Skipped };
    // Reads and hashes data; called only when the entry's digest is wanted. Throws EntryFailure.
    using Digest = std::function<Sha256Digest()>;

    // Adds the name `name` in the folder at `parent` (a tree path); `path` is set to where it went (Directory: descend
    // into it there). A file's name becomes a hard link to `linkTo` when that is given, else to the first name of
    // its record added before, if any.
    Placed addName(const NtfsNameFacts& facts, const std::string& parent, std::string_view name, const Digest& digest,
                   std::string& path, std::string_view linkTo = {});
    // An alternate data stream of the entry at `owner`, which addName placed as an Entry or Directory.
    void addStream(const std::string& owner, uint64_t modified, std::string_view name, uint64_t size,
                   const Digest& digest);
    // Whether an entry was added at exactly this path (a case variant of it does not count).
    bool has(const std::string& path) const;
    // A name whose record cannot be read: kept in the tree, marked, and a problem.
    void addUnreadable(const std::string& parent, std::string_view name, uint64_t record, const std::string& message);
    void problem(const std::string& path, const std::string& message);

    // A self-relative security descriptor as SDDL; each distinct one is converted once (a volume holds a few
    // hundred, shared between files). Throws EntryFailure for one that cannot be decoded.
    const std::string& sddlOf(std::span<const uint8_t> descriptor);

    // Hashes `size` bytes from `read` (fills up to n bytes, returns how many; throws EntryFailure), which must not
    // end early.
    Sha256Digest hashData(const std::string& path, uint64_t size, const std::function<size_t(void*, size_t)>& read);

    index::TreeIndex finish() { return m_builder.finish(); }

    static std::string join(const std::string& parent, std::string_view name);

private:
    bool usable(const std::string& parent, std::string_view name, uint64_t record);
    index::NodeId add(const wcow::WindowsEntry& entry, const std::optional<Sha256Digest>& sha256 = std::nullopt);
    index::NodeId firstName(uint64_t record) const;
    void rememberFirstName(uint64_t record, index::NodeId node);

    std::string m_root; // the path the volume's root directory has in the tree ("" or e.g. "Files")
    Progress& m_progress;
    bool m_hashFiles;
    index::LayerScan& m_scan;
    index::TreeIndexBuilder m_builder;
    Sha256 m_hasher;
    std::vector<uint8_t> m_buffer; // one read buffer for every file hashed, no bigger than the largest file
    // Where each file record's first name went, to name its later names' link target: by record number in a vector,
    // 4 bytes a record, since records are numbered densely from 0; a number past a bound a hostile MFT cannot push
    // memory beyond goes to a map.
    std::vector<index::NodeId> m_firstNames;
    std::unordered_map<uint64_t, index::NodeId> m_firstNamesBeyond;
    std::unordered_map<std::string, std::string> m_sddlOf; // descriptor bytes -> SDDL
    wcow::WindowsEntry m_entry; // reused: its strings keep their capacity from entry to entry
    uint64_t m_nextIndex = 0;
};

} // namespace layerscope::disk
