// SPDX-License-Identifier: Apache-2.0
#include "disk/ntfstreesink.h"

#include "common/error.h"
#include "disk/reparsetag.h"
#include "index/mergedtree.h"
#include "wcow/securitydescriptor.h"

#include <algorithm>

namespace layerscope::disk {

namespace {

constexpr uint32_t FileAttributeDirectory = 0x10;
constexpr uint32_t FileAttributeReparsePoint = 0x400;
constexpr uint64_t MaxDenseRecords = uint64_t(1) << 24; // 64 MiB of node ids at most

} // namespace

NtfsTreeSink::NtfsTreeSink(std::string root, const index::ScanOptions& options, index::LayerScan& scan)
    : m_root(std::move(root))
    , m_progress(options.progress ? *options.progress : Progress::none())
    , m_hashFiles(options.hashFiles)
    , m_scan(scan)
    , m_builder(true, true) // every name on the volume: "a" beside "A" in a case-sensitive folder
{ }

std::string NtfsTreeSink::join(const std::string& parent, std::string_view name)
{
    std::string path;
    path.reserve(parent.size() + 1 + name.size());
    path = parent;
    if (!path.empty())
        path += '/';
    path += name;
    return path;
}

NtfsTreeSink::Placed NtfsTreeSink::addName(const NtfsNameFacts& facts, const std::string& parent, std::string_view name,
                                           const Digest& digest, std::string& path, std::string_view linkTo)
{
    if (!usable(parent, name, facts.record))
        return Placed::Skipped;
    wcow::WindowsEntry& out = m_entry;
    out.path.assign(parent);
    if (!parent.empty())
        out.path += '/';
    out.path += name;
    out.tarIndex = m_nextIndex++;
    out.size = 0;
    out.linkTarget.clear();
    out.xattrs.clear();
    // $STANDARD_INFORMATION has no directory bit; Windows reports one for every folder (from the index the record
    // has), and a layer tar carries it (wcow-layer-format §1.5).
    out.attributes = facts.directory ? facts.attributes | FileAttributeDirectory : facts.attributes;
    out.created = wcow::fromFiletime(facts.created);
    out.modified = wcow::fromFiletime(facts.modified);
    out.accessed = wcow::fromFiletime(facts.accessed);
    out.changed = wcow::fromFiletime(facts.changed);
    out.sddl.assign(facts.sddl);
    out.type = facts.directory ? wcow::EntryType::Directory : wcow::EntryType::File;
    m_progress.advance(m_nextIndex, 0);
    if (facts.reparse) {
        out.xattrs.emplace_back(index::NtfsReparseXattr, reparseDescription(facts.reparseTag));
        switch (classifyReparseTag(facts.reparseTag)) {
        case ReparseKind::Symlink:
            out.type = wcow::EntryType::Symlink;
            out.linkTarget.assign(facts.linkTarget);
            break;
        case ReparseKind::Junction:
            out.type = wcow::EntryType::Junction;
            out.linkTarget.assign(facts.linkTarget);
            break;
        case ReparseKind::WciTombstone:
            // A container's record that a file of a lower layer was deleted: a whiteout, named as a layer tar
            // names the deletion (HCS's export writes "<dir>/.wh.<name>"), so that a sandbox's tree merges over
            // its chain like any layer.
            out.type = wcow::EntryType::Whiteout;
            out.path = join(parent, ".wh." + std::string(name));
            add(out);
            return Placed::Whiteout;
        case ReparseKind::WciPlaceholder:
        case ReparseKind::Other:
            break;
        }
    }
    if (!facts.directory) {
        // A second name of an MFT record already listed is a hard link to the first (wcow-layer-format §1.6
        // writes them the same way).
        const index::NodeId first = linkTo.empty() ? firstName(facts.record) : index::InvalidNode;
        if (!linkTo.empty() || first != index::InvalidNode) {
            out.type = wcow::EntryType::Hardlink;
            out.linkTarget = linkTo.empty() ? m_builder.path(first) : std::string(linkTo);
            add(out);
            return Placed::HardLink;
        }
        out.size = facts.size;
    }
    // A reparse point's data is not the file's: a WCI placeholder's lives in a lower layer, and other tags'
    // (cloud files, deduplication) in places a disk image does not hold.
    const index::NodeId node
        = m_hashFiles && out.type == wcow::EntryType::File && !facts.reparse ? add(out, digest()) : add(out);
    if (!facts.directory)
        rememberFirstName(facts.record, node);
    path = out.path;
    return out.type == wcow::EntryType::Directory ? Placed::Directory : Placed::Entry;
}

void NtfsTreeSink::addStream(const std::string& owner, uint64_t modified, std::string_view name, uint64_t size,
                             const Digest& digest)
{
    // As go-winio's backup streams name them in layer tars: "file:stream" (wcow-layer-format §1.6).
    wcow::WindowsEntry out;
    out.path = owner + ":" + std::string(name);
    out.type = wcow::EntryType::Stream;
    out.streamName = name;
    out.size = size;
    out.modified = wcow::fromFiletime(modified);
    out.tarIndex = m_nextIndex++;
    if (m_hashFiles)
        add(out, digest());
    else
        add(out);
}

bool NtfsTreeSink::has(const std::string& path) const
{
    const index::NodeId node = m_builder.find(path);
    return node != index::InvalidNode && m_builder.path(node) == path;
}

bool NtfsTreeSink::usable(const std::string& parent, std::string_view name, uint64_t record)
{
    // Windows allows none of these; a damaged record can hold them, and as a path they would name another entry.
    if (!name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos)
        return true;
    problem(parent,
            "MFT record " + std::to_string(record) + " has a name no path can hold: \"" + std::string(name) + "\"");
    return false;
}

void NtfsTreeSink::addUnreadable(const std::string& parent, std::string_view name, uint64_t record,
                                 const std::string& message)
{
    if (!usable(parent, name, record))
        return;
    // The directory index named it, its record cannot be read: the entry stays in the tree, marked, so that a user
    // sees what is missing where it is missing.
    wcow::WindowsEntry out;
    out.path = join(parent, name);
    out.tarIndex = m_nextIndex++;
    out.xattrs.emplace_back(index::UnreadableXattr, message);
    add(out);
    problem(out.path, message);
}

void NtfsTreeSink::problem(const std::string& path, const std::string& message)
{
    m_scan.problems.push_back({wcow::Problem::Severity::Error, path, "unreadable NTFS entry: " + message});
}

const std::string& NtfsTreeSink::sddlOf(std::span<const uint8_t> descriptor)
{
    std::string bytes(reinterpret_cast<const char*>(descriptor.data()), descriptor.size());
    if (const auto known = m_sddlOf.find(bytes); known != m_sddlOf.end())
        return known->second;
    try {
        std::string sddl = wcow::SecurityDescriptor::fromBinary(descriptor).toSddl();
        return m_sddlOf.emplace(std::move(bytes), std::move(sddl)).first->second;
    } catch (const Error& e) {
        throw EntryFailure {"security descriptor: " + e.message()};
    }
}

Sha256Digest NtfsTreeSink::hashData(const std::string& path, uint64_t size,
                                    const std::function<size_t(void*, size_t)>& read)
{
    constexpr size_t chunk = 1 << 20;
    if (m_buffer.size() < std::min<uint64_t>(size, chunk))
        m_buffer.resize(size_t(std::min<uint64_t>(size, chunk)));
    for (uint64_t done = 0; done < size;) {
        m_progress.checkCancelled();
        const size_t n = read(m_buffer.data(), size_t(std::min<uint64_t>(size - done, m_buffer.size())));
        if (n == 0)
            throw EntryFailure {"data of " + path + " at byte " + std::to_string(done) + ": ends before its size"};
        m_hasher.update(m_buffer.data(), n);
        done += n;
    }
    return m_hasher.finish();
}

index::NodeId NtfsTreeSink::add(const wcow::WindowsEntry& entry, const std::optional<Sha256Digest>& sha256)
{
    const index::NodeId node = m_builder.add(entry, sha256);
    m_scan.counts.count(entry.type);
    if (entry.type == wcow::EntryType::File || entry.type == wcow::EntryType::Stream)
        m_scan.totalBytes += entry.size;
    return node;
}

index::NodeId NtfsTreeSink::firstName(uint64_t record) const
{
    if (record < m_firstNames.size())
        return m_firstNames[record];
    const auto it = m_firstNamesBeyond.find(record);
    return it == m_firstNamesBeyond.end() ? index::InvalidNode : it->second;
}

void NtfsTreeSink::rememberFirstName(uint64_t record, index::NodeId node)
{
    if (record >= MaxDenseRecords) {
        m_firstNamesBeyond.emplace(record, node);
        return;
    }
    if (record >= m_firstNames.size())
        m_firstNames.resize(size_t(std::min(std::max(record + 1, uint64_t(m_firstNames.size()) * 2), MaxDenseRecords)),
                            index::InvalidNode);
    m_firstNames[record] = node;
}

} // namespace layerscope::disk
