// SPDX-License-Identifier: Apache-2.0
#include "disk/diskscan.h"

#include "common/error.h"
#include "common/sha256.h"
#include "disk/libyal.h"
#include "disk/ntfsvolume.h"
#include "disk/reparsetag.h"
#include "index/mergedtree.h"
#include "index/treeindexbuilder.h"
#include "wcow/paxtime.h"
#include "wcow/securitydescriptor.h"

#include <algorithm>
#include <memory>
#include <set>
#include <unordered_map>
#include <vector>

namespace layerscope::disk {

namespace fs = std::filesystem;

namespace {

// NTFS attribute type codes (the $AttrDef of every volume; MS-FSCC does not list them, libfsntfs's documentation
// of the format does).
constexpr uint32_t AttributeReparsePoint = 0xC0;
// $FILE_NAME name spaces: 2 is a DOS 8.3 alias, which Windows lists under its long name only.
constexpr uint8_t NameSpaceDos = 2;
// MFT records 0-15 are the metadata files ($MFT ... $Extend at 11) and 16-23 are reserved; only the root (5) and
// $Extend's children are metadata outside that range, and those are reached through $Extend, which is skipped.
constexpr uint64_t FirstUserRecord = 24;
constexpr uint64_t RootRecord = 5;
constexpr uint32_t FileAttributeDirectory = 0x10;
constexpr uint32_t FileAttributeReparsePoint = 0x400;

struct EntryDeleter
{
    void operator()(libfsntfs_file_entry_t* entry) const { libfsntfs_file_entry_free(&entry, nullptr); }
};
using EntryHandle = std::unique_ptr<libfsntfs_file_entry_t, EntryDeleter>;

struct AttributeDeleter
{
    void operator()(libfsntfs_attribute_t* attribute) const { libfsntfs_attribute_free(&attribute, nullptr); }
};
using AttributeHandle = std::unique_ptr<libfsntfs_attribute_t, AttributeDeleter>;

struct StreamDeleter
{
    void operator()(libfsntfs_data_stream_t* stream) const { libfsntfs_data_stream_free(&stream, nullptr); }
};
using StreamHandle = std::unique_ptr<libfsntfs_data_stream_t, StreamDeleter>;

// Thrown inside the walk for one entry that cannot be read; the walk records it and goes on.
struct EntryFailure
{
    std::string message;
};

template<typename Size, typename Get> std::string utf8Of(Size size, Get get)
{
    libfsntfs_error_t* error = nullptr;
    size_t n = 0;
    if (size(&n, &error) != 1)
        throw EntryFailure {"name: " + fsntfsMessage(error)};
    if (n == 0)
        return {};
    std::vector<uint8_t> bytes(n);
    if (get(bytes.data(), n, &error) != 1)
        throw EntryFailure {"name: " + fsntfsMessage(error)};
    return std::string(reinterpret_cast<const char*>(bytes.data()));
}

std::string join(const std::string& parent, const std::string& name)
{
    return parent.empty() ? name : parent + '/' + name;
}

class NtfsWalker
{
public:
    NtfsWalker(const std::string& file, const index::ScanOptions& options, const std::string& root,
               index::LayerScan& scan)
        : m_file(file)
        , m_root(root)
        , m_progress(options.progress ? *options.progress : Progress::none())
        , m_hashFiles(options.hashFiles)
        , m_scan(scan)
        , m_builder(true)
    { }

    index::TreeIndex run(libfsntfs_volume_t* volume)
    {
        libfsntfs_error_t* error = nullptr;
        libfsntfs_file_entry_t* raw = nullptr;
        if (libfsntfs_volume_get_root_directory(volume, &raw, &error) != 1)
            throw Error({m_file, {}, {}, {}}, "NTFS root directory unreadable: " + fsntfsMessage(error));
        EntryHandle root(raw);
        m_visitedDirectories.insert(RootRecord);
        uint64_t records = 0;
        if (libfsntfs_volume_get_number_of_file_entries(volume, &records, &error) != 1)
            libfsntfs_error_free(&error);
        m_recordCount = records;
        // Depth first with an explicit stack: a hostile volume may nest deeper than the call stack allows.
        std::vector<std::pair<EntryHandle, std::string>> stack;
        stack.emplace_back(std::move(root), m_root);
        while (!stack.empty()) {
            auto [directory, path] = std::move(stack.back());
            stack.pop_back();
            m_progress.checkCancelled();
            int count = 0;
            if (libfsntfs_file_entry_get_number_of_sub_file_entries(directory.get(), &count, &error) != 1) {
                problem(path, "directory index unreadable: " + fsntfsMessage(error));
                continue;
            }
            for (int i = 0; i < count; ++i) {
                libfsntfs_file_entry_t* child = nullptr;
                if (libfsntfs_file_entry_get_sub_file_entry_by_index(directory.get(), i, &child, &error) != 1) {
                    problem(path,
                            "entry " + std::to_string(i) + " of the directory unreadable: " + fsntfsMessage(error));
                    continue;
                }
                EntryHandle entry(child);
                std::string childPath;
                try {
                    childPath = visit(entry.get(), path);
                } catch (const EntryFailure& failure) {
                    problem(path + (path.empty() ? "" : "/") + "<entry " + std::to_string(i) + ">", failure.message);
                    continue;
                }
                if (!childPath.empty())
                    stack.emplace_back(std::move(entry), std::move(childPath));
            }
        }
        return m_builder.finish();
    }

private:
    void problem(const std::string& path, const std::string& message)
    {
        m_scan.problems.push_back({wcow::Problem::Severity::Error, path, "unreadable NTFS entry: " + message});
    }

    // Adds one directory entry; returns its path when it is a directory to descend into.
    std::string visit(libfsntfs_file_entry_t* entry, const std::string& parent)
    {
        libfsntfs_error_t* error = nullptr;
        uint64_t reference = 0;
        if (libfsntfs_file_entry_get_file_reference(entry, &reference, &error) != 1)
            throw EntryFailure {"file reference: " + fsntfsMessage(error)};
        const uint64_t record = reference & 0xFFFFFFFFFFFFull; // the upper 16 bits are the sequence number
        if (parent == m_root && record < FirstUserRecord)
            return {};
        if (isDosAlias(entry))
            return {};
        const std::string name = utf8Of(
            [&](size_t* n, libfsntfs_error_t** e) { return libfsntfs_file_entry_get_utf8_name_size(entry, n, e); },
            [&](uint8_t* b, size_t n, libfsntfs_error_t** e) {
                return libfsntfs_file_entry_get_utf8_name(entry, b, n, e);
            });
        const std::string path = join(parent, name);
        ++m_entries;
        m_progress.advance(m_entries, 0);
        try {
            return readEntry(entry, record, parent, name, path);
        } catch (const EntryFailure& failure) {
            // The directory index named it, its record cannot be read: the entry stays in the tree, marked, so that
            // a user sees what is missing where it is missing.
            wcow::WindowsEntry out;
            out.path = path;
            out.tarIndex = m_nextIndex++;
            out.xattrs.emplace_back(index::UnreadableXattr, failure.message);
            add(out);
            problem(path, failure.message);
            return {};
        }
    }

    std::string readEntry(libfsntfs_file_entry_t* entry, uint64_t record, const std::string& parent,
                          const std::string& name, const std::string& path)
    {
        libfsntfs_error_t* error = nullptr;
        if (libfsntfs_file_entry_is_empty(entry, &error) == 1)
            throw EntryFailure {"MFT record " + std::to_string(record)
                                + " holds no file (its signature is not FILE: damaged, or marked BAAD by chkdsk)"};
        libfsntfs_error_free(&error);
        wcow::WindowsEntry out;
        out.path = path;
        out.tarIndex = m_nextIndex++;
        const int isDirectory = libfsntfs_file_entry_has_directory_entries_index(entry, &error);
        if (isDirectory < 0)
            throw EntryFailure {"directory index: " + fsntfsMessage(error)};
        uint32_t attributes = 0;
        if (libfsntfs_file_entry_get_file_attribute_flags(entry, &attributes, &error) != 1)
            throw EntryFailure {"attributes ($STANDARD_INFORMATION): " + fsntfsMessage(error)};
        // $STANDARD_INFORMATION has no directory bit; Windows reports one for every folder (from the index the
        // record has), and a layer tar carries it (wcow-layer-format §1.5).
        out.attributes = isDirectory ? attributes | FileAttributeDirectory : attributes;
        readTimes(entry, out);
        out.sddl = readSddl(entry);
        out.type = isDirectory ? wcow::EntryType::Directory : wcow::EntryType::File;
        if (attributes & FileAttributeReparsePoint)
            applyReparsePoint(entry, out);
        if (out.type == wcow::EntryType::Whiteout) {
            // Named as a layer tar names the deletion (HCS's export writes a tombstone as "<dir>/.wh.<name>"), so
            // that a sandbox's tree merges over its chain like any layer.
            out.path = join(parent, ".wh." + name);
            add(out);
            return {};
        }

        if (!isDirectory) {
            // A second name of an MFT record already listed is a hard link to the first (wcow-layer-format §1.6
            // writes them the same way).
            if (const index::NodeId first = firstName(record); first != index::InvalidNode) {
                out.type = wcow::EntryType::Hardlink;
                out.size = 0;
                out.linkTarget = m_builder.path(first);
                add(out);
                return {};
            }
            size64_t size = 0;
            if (libfsntfs_file_entry_get_size(entry, &size, &error) != 1)
                throw EntryFailure {"size: " + fsntfsMessage(error)};
            out.size = size;
        }
        // A reparse point's data is not the file's: a WCI placeholder's lives in a lower layer, and other tags'
        // (cloud files, deduplication) in places a disk image does not hold.
        const index::NodeId node
            = m_hashFiles && out.type == wcow::EntryType::File && !(attributes & FileAttributeReparsePoint)
            ? add(out,
                  hashData(out.path, out.size,
                           [entry](void* b, size_t n, libfsntfs_error_t** e) {
                               return libfsntfs_file_entry_read_buffer(entry, b, n, e);
                           }))
            : add(out);
        if (!isDirectory)
            rememberFirstName(record, node);
        addStreams(entry, out);
        if (isDirectory && out.type == wcow::EntryType::Directory && m_visitedDirectories.insert(record).second)
            return path;
        return {};
    }

    bool isDosAlias(libfsntfs_file_entry_t* entry)
    {
        libfsntfs_error_t* error = nullptr;
        int index = -1;
        if (libfsntfs_file_entry_get_name_attribute_index(entry, &index, &error) != 1 || index < 0) {
            libfsntfs_error_free(&error);
            return false;
        }
        libfsntfs_attribute_t* raw = nullptr;
        if (libfsntfs_file_entry_get_attribute_by_index(entry, index, &raw, &error) != 1) {
            libfsntfs_error_free(&error);
            return false;
        }
        AttributeHandle attribute(raw);
        uint8_t space = 0;
        if (libfsntfs_file_name_attribute_get_name_space(raw, &space, &error) != 1) {
            libfsntfs_error_free(&error);
            return false;
        }
        return space == NameSpaceDos;
    }

    void readTimes(libfsntfs_file_entry_t* entry, wcow::WindowsEntry& out)
    {
        libfsntfs_error_t* error = nullptr;
        uint64_t t = 0;
        // $STANDARD_INFORMATION's four FILETIMEs, the ones Windows shows and a backup stream carries.
        if (libfsntfs_file_entry_get_creation_time(entry, &t, &error) == 1)
            out.created = wcow::fromFiletime(t);
        libfsntfs_error_free(&error);
        if (libfsntfs_file_entry_get_modification_time(entry, &t, &error) == 1)
            out.modified = wcow::fromFiletime(t);
        libfsntfs_error_free(&error);
        if (libfsntfs_file_entry_get_access_time(entry, &t, &error) == 1)
            out.accessed = wcow::fromFiletime(t);
        libfsntfs_error_free(&error);
        if (libfsntfs_file_entry_get_entry_modification_time(entry, &t, &error) == 1)
            out.changed = wcow::fromFiletime(t);
        libfsntfs_error_free(&error);
    }

    std::string readSddl(libfsntfs_file_entry_t* entry)
    {
        libfsntfs_error_t* error = nullptr;
        size_t size = 0;
        const int has = libfsntfs_file_entry_get_security_descriptor_size(entry, &size, &error);
        if (has != 1 || size == 0) {
            libfsntfs_error_free(&error);
            return {};
        }
        std::string bytes(size, '\0');
        if (libfsntfs_file_entry_get_security_descriptor(entry, reinterpret_cast<uint8_t*>(bytes.data()), size, &error)
            != 1)
            throw EntryFailure {"security descriptor: " + fsntfsMessage(error)};
        // A volume holds a few hundred distinct descriptors ($Secure shares them between files), so each is turned
        // into SDDL once.
        if (const auto known = m_sddlOf.find(bytes); known != m_sddlOf.end())
            return known->second;
        try {
            const auto* begin = reinterpret_cast<const uint8_t*>(bytes.data());
            std::string sddl = wcow::SecurityDescriptor::fromBinary(std::span(begin, bytes.size())).toSddl();
            return m_sddlOf.emplace(std::move(bytes), std::move(sddl)).first->second;
        } catch (const Error& e) {
            throw EntryFailure {"security descriptor: " + e.message()};
        }
    }

    void applyReparsePoint(libfsntfs_file_entry_t* entry, wcow::WindowsEntry& out)
    {
        libfsntfs_error_t* error = nullptr;
        int count = 0;
        if (libfsntfs_file_entry_get_number_of_attributes(entry, &count, &error) != 1)
            throw EntryFailure {"attributes: " + fsntfsMessage(error)};
        for (int i = 0; i < count; ++i) {
            libfsntfs_attribute_t* raw = nullptr;
            if (libfsntfs_file_entry_get_attribute_by_index(entry, i, &raw, &error) != 1)
                throw EntryFailure {"attribute " + std::to_string(i) + ": " + fsntfsMessage(error)};
            AttributeHandle attribute(raw);
            uint32_t type = 0;
            if (libfsntfs_attribute_get_type(raw, &type, &error) != 1 || type != AttributeReparsePoint) {
                libfsntfs_error_free(&error);
                continue;
            }
            uint32_t tag = 0;
            if (libfsntfs_reparse_point_attribute_get_tag(raw, &tag, &error) != 1)
                throw EntryFailure {"reparse point: " + fsntfsMessage(error)};
            const ReparseKind kind = classifyReparseTag(tag);
            out.xattrs.emplace_back(index::NtfsReparseXattr, reparseDescription(tag));
            switch (kind) {
            case ReparseKind::Symlink:
            case ReparseKind::Junction: {
                out.type = kind == ReparseKind::Symlink ? wcow::EntryType::Symlink : wcow::EntryType::Junction;
                size_t n = 0;
                if (libfsntfs_reparse_point_attribute_get_utf8_print_name_size(raw, &n, &error) == 1 && n > 0) {
                    std::vector<uint8_t> bytes(n);
                    if (libfsntfs_reparse_point_attribute_get_utf8_print_name(raw, bytes.data(), n, &error) == 1)
                        out.linkTarget = reinterpret_cast<const char*>(bytes.data());
                }
                libfsntfs_error_free(&error);
                break;
            }
            case ReparseKind::WciTombstone:
                // A container's record that a file of a lower layer was deleted: a whiteout in layer terms.
                out.type = wcow::EntryType::Whiteout;
                break;
            case ReparseKind::WciPlaceholder:
            case ReparseKind::Other:
                break;
            }
            return;
        }
    }

    void addStreams(libfsntfs_file_entry_t* entry, const wcow::WindowsEntry& owner)
    {
        libfsntfs_error_t* error = nullptr;
        int count = 0;
        if (libfsntfs_file_entry_get_number_of_alternate_data_streams(entry, &count, &error) != 1) {
            problem(owner.path, "alternate data streams: " + fsntfsMessage(error));
            return;
        }
        for (int i = 0; i < count; ++i) {
            libfsntfs_data_stream_t* raw = nullptr;
            if (libfsntfs_file_entry_get_alternate_data_stream_by_index(entry, i, &raw, &error) != 1) {
                problem(owner.path, "alternate data stream " + std::to_string(i) + ": " + fsntfsMessage(error));
                continue;
            }
            StreamHandle stream(raw);
            try {
                const std::string name
                    = utf8Of([&](size_t* n,
                                 libfsntfs_error_t** e) { return libfsntfs_data_stream_get_utf8_name_size(raw, n, e); },
                             [&](uint8_t* b, size_t n, libfsntfs_error_t** e) {
                                 return libfsntfs_data_stream_get_utf8_name(raw, b, n, e);
                             });
                size64_t size = 0;
                if (libfsntfs_data_stream_get_size(raw, &size, &error) != 1)
                    throw EntryFailure {fsntfsMessage(error)};
                // As go-winio's backup streams name them in layer tars: "file:stream" (wcow-layer-format §1.6).
                wcow::WindowsEntry out;
                out.path = owner.path + ":" + name;
                out.type = wcow::EntryType::Stream;
                out.streamName = name;
                out.size = size;
                out.modified = owner.modified;
                out.tarIndex = m_nextIndex++;
                if (m_hashFiles)
                    add(out, hashData(out.path, out.size, [raw](void* b, size_t n, libfsntfs_error_t** e) {
                            return libfsntfs_data_stream_read_buffer(raw, b, n, e);
                        }));
                else
                    add(out);
            } catch (const EntryFailure& failure) {
                problem(owner.path, "alternate data stream " + std::to_string(i) + ": " + failure.message);
            }
        }
    }

    // Reads `size` bytes of a file's data or a stream's, from its start, with `read` (libfsntfs's read_buffer of
    // the entry or the stream), and hashes them. Only diffs, `tree` and space ask for this; opening a disk does not.
    template<typename Read> Sha256Digest hashData(const std::string& path, uint64_t size, Read read)
    {
        constexpr size_t chunk = 1 << 20;
        if (m_buffer.size() < std::min<uint64_t>(size, chunk))
            m_buffer.resize(size_t(std::min<uint64_t>(size, chunk)));
        for (uint64_t done = 0; done < size;) {
            m_progress.checkCancelled();
            libfsntfs_error_t* error = nullptr;
            const ssize_t n = read(m_buffer.data(), size_t(std::min<uint64_t>(size - done, m_buffer.size())), &error);
            if (n <= 0)
                throw EntryFailure {"data of " + path + " at byte " + std::to_string(done) + ": "
                                    + (n < 0 ? fsntfsMessage(error) : std::string("ends before its size"))};
            m_hasher.update(m_buffer.data(), size_t(n));
            done += uint64_t(n);
        }
        return m_hasher.finish();
    }

    index::NodeId add(const wcow::WindowsEntry& entry, const std::optional<Sha256Digest>& sha256 = std::nullopt)
    {
        const index::NodeId node = m_builder.add(entry, sha256);
        m_scan.counts.count(entry.type);
        if (entry.type == wcow::EntryType::File || entry.type == wcow::EntryType::Stream)
            m_scan.totalBytes += entry.size;
        return node;
    }

    // Where each file record's first name went, to name its later names' link target. By record number in a
    // vector, 4 bytes a record (a map of paths cost ~120 bytes an entry): records are numbered densely from 0 up
    // to the MFT's size. A record beyond that, or beyond a bound a hostile MFT size cannot push memory past, goes to
    // a map.
    static constexpr uint64_t MaxDenseRecords = uint64_t(1) << 24; // 64 MiB of node ids at most

    index::NodeId firstName(uint64_t record) const
    {
        if (record < m_firstNames.size())
            return m_firstNames[record];
        const auto it = m_firstNamesBeyond.find(record);
        return it == m_firstNamesBeyond.end() ? index::InvalidNode : it->second;
    }

    void rememberFirstName(uint64_t record, index::NodeId node)
    {
        const uint64_t dense = std::min(m_recordCount, MaxDenseRecords);
        if (record >= dense) {
            m_firstNamesBeyond.emplace(record, node);
            return;
        }
        if (record >= m_firstNames.size())
            m_firstNames.resize(size_t(std::min(std::max(record + 1, uint64_t(m_firstNames.size()) * 2), dense)),
                                index::InvalidNode);
        m_firstNames[record] = node;
    }

    std::string m_file;
    std::string m_root; // the path the volume's root directory has in the tree ("" or e.g. "Files")
    Progress& m_progress;
    bool m_hashFiles;
    Sha256 m_hasher;
    std::vector<uint8_t> m_buffer; // one read buffer for every file hashed, no bigger than the largest file
    index::LayerScan& m_scan;
    index::TreeIndexBuilder m_builder;
    uint64_t m_recordCount = 0; // the MFT's, as libfsntfs reads its size
    std::vector<index::NodeId> m_firstNames; // MFT record -> node of the first name seen
    std::unordered_map<std::string, std::string> m_sddlOf; // descriptor bytes -> SDDL
    std::unordered_map<uint64_t, index::NodeId> m_firstNamesBeyond;
    std::set<uint64_t> m_visitedDirectories; // a damaged index must not make the walk loop
    uint64_t m_nextIndex = 0;
    uint64_t m_entries = 0;
};

} // namespace

index::LayerScan scanDisk(const fs::path& path, const index::ScanOptions& options, const std::string& root)
{
    const NtfsVolume volume(path);
    index::LayerScan scan = scanVolume(volume, options, root);
    std::error_code ec;
    scan.storedSize = fs::file_size(path, ec);
    return scan;
}

index::LayerScan scanVolume(const NtfsVolume& volume, const index::ScanOptions& options, const std::string& root)
{
    index::LayerScan scan;
    scan.source = volume.file();
    scan.uncompressedSize = volume.range().size;
    NtfsWalker walker(volume.file(), options, root, scan);
    scan.index = walker.run(volume.handle());
    if (!options.buildIndex)
        scan.index = index::TreeIndex();
    return scan;
}

} // namespace layerscope::disk
