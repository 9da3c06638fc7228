// SPDX-License-Identifier: Apache-2.0
#include "disk/ntfswalk.h"

#include "disk/libyal.h"
#include "disk/ntfsrecord.h"
#include "disk/ntfstreesink.h"
#include "disk/ntfsvolume.h"

#include <memory>
#include <set>
#include <vector>

namespace layerscope::disk {

namespace {

// MFT records 0-15 are the metadata files ($MFT ... $Extend at 11) and 16-23 are reserved; only the root (5) and
// $Extend's children are metadata outside that range, and those are reached through $Extend, which is skipped.
constexpr uint64_t FirstUserRecord = 24;
constexpr uint64_t RootRecord = 5;
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

// libfsntfs's read_buffer of an entry or stream, as NtfsTreeSink::hashData reads.
template<typename Read> std::function<size_t(void*, size_t)> reader(const std::string& path, Read read)
{
    return [&path, read](void* buffer, size_t size) {
        libfsntfs_error_t* error = nullptr;
        const ssize_t n = read(buffer, size, &error);
        if (n < 0)
            throw EntryFailure {"data of " + path + ": " + fsntfsMessage(error)};
        return size_t(n);
    };
}

class NtfsWalker
{
public:
    explicit NtfsWalker(NtfsTreeSink& sink)
        : m_sink(sink)
    { }

    void run(const NtfsVolume& volume)
    {
        libfsntfs_error_t* error = nullptr;
        libfsntfs_file_entry_t* raw = nullptr;
        if (libfsntfs_volume_get_root_directory(volume.handle(), &raw, &error) != 1)
            throw Error({volume.file(), {}, {}, {}}, "NTFS root directory unreadable: " + fsntfsMessage(error));
        EntryHandle root(raw);
        m_visitedDirectories.insert(RootRecord);
        // Depth first with an explicit stack: a hostile volume may nest deeper than the call stack allows.
        std::vector<std::pair<EntryHandle, std::string>> stack;
        stack.emplace_back(std::move(root), m_sink.root());
        while (!stack.empty()) {
            auto [directory, path] = std::move(stack.back());
            stack.pop_back();
            m_sink.progress().checkCancelled();
            int count = 0;
            if (libfsntfs_file_entry_get_number_of_sub_file_entries(directory.get(), &count, &error) != 1) {
                m_sink.problem(path, "directory index unreadable: " + fsntfsMessage(error));
                continue;
            }
            for (int i = 0; i < count; ++i) {
                libfsntfs_file_entry_t* child = nullptr;
                if (libfsntfs_file_entry_get_sub_file_entry_by_index(directory.get(), i, &child, &error) != 1) {
                    m_sink.problem(
                        path, "entry " + std::to_string(i) + " of the directory unreadable: " + fsntfsMessage(error));
                    continue;
                }
                EntryHandle entry(child);
                std::string childPath;
                try {
                    childPath = visit(entry.get(), path);
                } catch (const EntryFailure& failure) {
                    m_sink.problem(path + (path.empty() ? "" : "/") + "<entry " + std::to_string(i) + ">",
                                   failure.message);
                    continue;
                }
                if (!childPath.empty())
                    stack.emplace_back(std::move(entry), std::move(childPath));
            }
        }
    }

private:
    // Adds one directory entry; returns its path when it is a directory to descend into.
    std::string visit(libfsntfs_file_entry_t* entry, const std::string& parent)
    {
        libfsntfs_error_t* error = nullptr;
        uint64_t reference = 0;
        if (libfsntfs_file_entry_get_file_reference(entry, &reference, &error) != 1)
            throw EntryFailure {"file reference: " + fsntfsMessage(error)};
        const uint64_t record = ntfs::recordNumber(reference);
        if (parent == m_sink.root() && record < FirstUserRecord)
            return {};
        if (isDosAlias(entry))
            return {};
        const std::string name = utf8Of(
            [&](size_t* n, libfsntfs_error_t** e) { return libfsntfs_file_entry_get_utf8_name_size(entry, n, e); },
            [&](uint8_t* b, size_t n, libfsntfs_error_t** e) {
                return libfsntfs_file_entry_get_utf8_name(entry, b, n, e);
            });
        // A folder's index holds each name once; a damaged one may list a name twice.
        if (const std::string path = NtfsTreeSink::join(parent, name); m_sink.has(path)) {
            m_sink.problem(path, "listed twice by its folder's index");
            return {};
        }
        try {
            return readEntry(entry, record, parent, name);
        } catch (const EntryFailure& failure) {
            m_sink.addUnreadable(parent, name, record, failure.message);
            return {};
        }
    }

    std::string readEntry(libfsntfs_file_entry_t* entry, uint64_t record, const std::string& parent,
                          const std::string& name)
    {
        libfsntfs_error_t* error = nullptr;
        if (libfsntfs_file_entry_is_empty(entry, &error) == 1)
            throw EntryFailure {"MFT record " + std::to_string(record)
                                + " holds no file (its signature is not FILE: damaged, or marked BAAD by chkdsk)"};
        libfsntfs_error_free(&error);
        NtfsNameFacts facts;
        facts.record = record;
        const int isDirectory = libfsntfs_file_entry_has_directory_entries_index(entry, &error);
        if (isDirectory < 0)
            throw EntryFailure {"directory index: " + fsntfsMessage(error)};
        facts.directory = isDirectory == 1;
        if (libfsntfs_file_entry_get_file_attribute_flags(entry, &facts.attributes, &error) != 1)
            throw EntryFailure {"attributes ($STANDARD_INFORMATION): " + fsntfsMessage(error)};
        // $STANDARD_INFORMATION's four FILETIMEs, the ones Windows shows and a backup stream carries.
        const auto time = [&](auto get, uint64_t& into) {
            if (get(entry, &into, &error) != 1)
                libfsntfs_error_free(&error);
        };
        time(libfsntfs_file_entry_get_creation_time, facts.created);
        time(libfsntfs_file_entry_get_modification_time, facts.modified);
        time(libfsntfs_file_entry_get_access_time, facts.accessed);
        time(libfsntfs_file_entry_get_entry_modification_time, facts.changed);
        facts.sddl = readSddl(entry);
        std::string linkTarget;
        if (facts.attributes & FileAttributeReparsePoint)
            readReparsePoint(entry, facts, linkTarget);
        facts.linkTarget = linkTarget;
        if (!facts.directory) {
            size64_t size = 0;
            if (libfsntfs_file_entry_get_size(entry, &size, &error) != 1)
                throw EntryFailure {"size: " + fsntfsMessage(error)};
            facts.size = size;
        }
        std::string path;
        const auto digest = [&] {
            return m_sink.hashData(path, facts.size, reader(path, [entry](void* b, size_t n, libfsntfs_error_t** e) {
                                       return libfsntfs_file_entry_read_buffer(entry, b, n, e);
                                   }));
        };
        path = NtfsTreeSink::join(parent, name);
        const NtfsTreeSink::Placed placed = m_sink.addName(facts, parent, name, digest, path);
        if (placed != NtfsTreeSink::Placed::Entry && placed != NtfsTreeSink::Placed::Directory)
            return {};
        addStreams(entry, path, facts.modified);
        if (placed == NtfsTreeSink::Placed::Directory && m_visitedDirectories.insert(record).second)
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
        return space == ntfs::NameSpaceDos;
    }

    std::string_view readSddl(libfsntfs_file_entry_t* entry)
    {
        libfsntfs_error_t* error = nullptr;
        size_t size = 0;
        const int has = libfsntfs_file_entry_get_security_descriptor_size(entry, &size, &error);
        if (has != 1 || size == 0) {
            libfsntfs_error_free(&error);
            return {};
        }
        m_descriptor.resize(size);
        if (libfsntfs_file_entry_get_security_descriptor(entry, m_descriptor.data(), size, &error) != 1)
            throw EntryFailure {"security descriptor: " + fsntfsMessage(error)};
        return m_sink.sddlOf(m_descriptor);
    }

    void readReparsePoint(libfsntfs_file_entry_t* entry, NtfsNameFacts& facts, std::string& linkTarget)
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
            if (libfsntfs_attribute_get_type(raw, &type, &error) != 1 || type != ntfs::AttributeReparsePoint) {
                libfsntfs_error_free(&error);
                continue;
            }
            if (libfsntfs_reparse_point_attribute_get_tag(raw, &facts.reparseTag, &error) != 1)
                throw EntryFailure {"reparse point: " + fsntfsMessage(error)};
            facts.reparse = true;
            size_t n = 0;
            if (libfsntfs_reparse_point_attribute_get_utf8_print_name_size(raw, &n, &error) == 1 && n > 0) {
                std::vector<uint8_t> bytes(n);
                if (libfsntfs_reparse_point_attribute_get_utf8_print_name(raw, bytes.data(), n, &error) == 1)
                    linkTarget = reinterpret_cast<const char*>(bytes.data());
            }
            libfsntfs_error_free(&error);
            return;
        }
    }

    void addStreams(libfsntfs_file_entry_t* entry, const std::string& owner, uint64_t modified)
    {
        libfsntfs_error_t* error = nullptr;
        int count = 0;
        if (libfsntfs_file_entry_get_number_of_alternate_data_streams(entry, &count, &error) != 1) {
            m_sink.problem(owner, "alternate data streams: " + fsntfsMessage(error));
            return;
        }
        for (int i = 0; i < count; ++i) {
            libfsntfs_data_stream_t* raw = nullptr;
            if (libfsntfs_file_entry_get_alternate_data_stream_by_index(entry, i, &raw, &error) != 1) {
                m_sink.problem(owner, "alternate data stream " + std::to_string(i) + ": " + fsntfsMessage(error));
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
                const std::string path = owner + ":" + name;
                m_sink.addStream(owner, modified, name, size, [&] {
                    return m_sink.hashData(path, size, reader(path, [raw](void* b, size_t n, libfsntfs_error_t** e) {
                                               return libfsntfs_data_stream_read_buffer(raw, b, n, e);
                                           }));
                });
            } catch (const EntryFailure& failure) {
                m_sink.problem(owner, "alternate data stream " + std::to_string(i) + ": " + failure.message);
            }
        }
    }

    NtfsTreeSink& m_sink;
    std::vector<uint8_t> m_descriptor;
    std::set<uint64_t> m_visitedDirectories; // a damaged index must not make the walk loop
};

} // namespace

void walkDirectories(const NtfsVolume& volume, NtfsTreeSink& sink)
{
    NtfsWalker(sink).run(volume);
}

} // namespace layerscope::disk
