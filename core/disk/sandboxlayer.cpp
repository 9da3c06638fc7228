// SPDX-License-Identifier: Apache-2.0
#include "disk/sandboxlayer.h"

#include "common/base64.h"
#include "common/error.h"
#include "disk/diskscan.h"
#include "disk/ntfsvolume.h"
#include "index/mergedtree.h"
#include "io/bytesink.h"
#include "tar/tarwriter.h"
#include "wcow/fileattributes.h"
#include "wcow/layerheader.h"
#include "wcow/paxtime.h"
#include "wcow/securitydescriptor.h"

#include <algorithm>
#include <tuple>
#include <vector>

namespace layerscope::disk {

namespace {

using index::NodeId;
using index::TreeIndex;
using wcow::EntryType;

constexpr std::string_view FilesFolder = "Files";

// Siblings in byte order (§1.2), except that a file's streams ("name:stream") follow the file at once (§1.6) and a
// folder's tombstones come first, right after the folder's own entry (§1.6).
std::tuple<int, std::string_view, std::string_view> siblingKey(const TreeIndex& tree, NodeId node)
{
    const std::string_view name = tree.name(node);
    const TreeIndex::Record* r = tree.record(node);
    const bool whiteout = r && r->type == EntryType::Whiteout;
    const size_t colon = name.find(':');
    const std::string_view stem = colon == std::string_view::npos ? name : name.substr(0, colon);
    const std::string_view stream = colon == std::string_view::npos ? std::string_view() : name.substr(colon);
    return {whiteout ? 0 : 1, stem, stream};
}

class Writer
{
public:
    Writer(const NtfsVolume& volume, const TreeIndex& tree, io::ByteSink& sink, Progress& progress)
        : m_volume(volume)
        , m_tree(tree)
        , m_writer(sink)
        , m_progress(progress)
        , m_needed(tree.nodeCount(), false)
    { }

    SandboxLayerCounts run()
    {
        const NodeId files = m_tree.find(std::string(FilesFolder));
        // Every entry that is not a placeholder goes in, with its parents.
        for (const TreeIndex::Record& r : m_tree.records()) {
            if (index::isWciPlaceholder(m_tree, r))
                continue;
            if (r.type == EntryType::File || r.type == EntryType::Stream)
                m_total += r.size;
            m_latest = std::max(m_latest, m_tree.modified(r));
            for (NodeId n = r.node; n != files && n != m_tree.root() && !m_needed[n]; n = m_tree.parent(n))
                m_needed[n] = true;
        }
        folderEntry(FilesFolder);
        if (files != index::InvalidNode)
            walk(files);
        for (NodeId link : m_hardLinks)
            entry(link);
        folderEntry("Hives");
        m_writer.finish();
        return m_counts;
    }

private:
    // Depth first with an explicit stack: a hostile volume may nest deeper than the call stack allows.
    void walk(NodeId top)
    {
        std::vector<NodeId> stack {top};
        while (!stack.empty()) {
            const NodeId node = stack.back();
            stack.pop_back();
            m_progress.checkCancelled();
            if (node != top) {
                const TreeIndex::Record* r = m_tree.record(node);
                if (r && r->type == EntryType::Hardlink) {
                    m_hardLinks.push_back(node);
                    continue;
                }
                entry(node);
            }
            std::vector<NodeId> kids;
            for (NodeId kid : m_tree.children(node))
                if (m_needed[kid])
                    kids.push_back(kid);
            std::sort(kids.begin(), kids.end(),
                      [&](NodeId a, NodeId b) { return siblingKey(m_tree, a) < siblingKey(m_tree, b); });
            stack.insert(stack.end(), kids.rbegin(), kids.rend());
        }
    }

    // The "Files" and "Hives" folders, which the disk has no entry for: a plain folder stamped with the newest time
    // of the layer, so that the output depends on the disk only.
    void folderEntry(std::string_view path)
    {
        tar::TarHeader h;
        h.path = std::string(path);
        wcow::setLayerEntryType(h, EntryType::Directory);
        h.mtime = m_latest.seconds;
        h.pax.push_back({"LIBARCHIVE.creationtime", wcow::formatPaxTime(m_latest)});
        h.pax.push_back({"MSWINDOWS.fileattr", std::to_string(wcow::fileattr::Directory)});
        h.pax.push_back({"atime", wcow::formatPaxTime(m_latest)});
        h.pax.push_back({"ctime", wcow::formatPaxTime(m_latest)});
        if (m_latest.nanoseconds != 0 || m_latest.seconds < 0)
            h.pax.push_back({"mtime", wcow::formatPaxTime(m_latest)});
        m_writer.add(h);
        ++m_counts.entries;
    }

    void entry(NodeId node)
    {
        const TreeIndex::Record* r = m_tree.record(node);
        if (!r)
            return; // only a parent of other entries; the disk always lists folders, so this is not expected
        const wcow::WindowsEntry e = m_tree.entry(*r);
        tar::TarHeader h;
        h.path = e.path;
        if (e.type == EntryType::Whiteout) {
            // §1.4: a plain entry, mode 0, time 0, no Windows records.
            wcow::setLayerEntryType(h, e.type);
            m_writer.add(h);
            ++m_counts.entries;
            ++m_counts.whiteouts;
            return;
        }
        h.mtime = e.modified.seconds;
        if (!wcow::setLayerEntryType(h, e.type, e.size, e.linkTarget))
            throw Error({m_volume.file(), {}, e.path, {}}, "cannot write this kind of entry into a layer");
        uint32_t attributes = e.attributes.value_or(0);
        if (e.type == EntryType::Directory && index::isWciPlaceholder(m_tree, *r))
            attributes &= ~wcow::fileattr::ReparsePoint; // a parent of a change; the placeholder stays behind
        const bool junction = e.type == EntryType::Junction;
        // A stream's and a hard link's Windows records are their file's (§1.4).
        const bool windowsRecords = e.type != EntryType::Stream && e.type != EntryType::Hardlink;
        // Go's archive/tar emits records in sorted key order (§1.2): upper-case vendor keys first.
        const wcow::PaxTime created = e.created.value_or(e.modified);
        if (windowsRecords) {
            h.pax.push_back({"LIBARCHIVE.creationtime", wcow::formatPaxTime(created)});
            h.pax.push_back({"MSWINDOWS.fileattr", std::to_string(attributes)});
            if (junction)
                h.pax.push_back({"MSWINDOWS.mountpoint", "1"});
            if (!e.sddl.empty())
                h.pax.push_back(
                    {"MSWINDOWS.rawsd", base64Encode(wcow::SecurityDescriptor::fromSddl(e.sddl).toBinary())});
        }
        h.pax.push_back({"atime", wcow::formatPaxTime(e.accessed.value_or(e.modified))});
        h.pax.push_back({"ctime", wcow::formatPaxTime(e.changed.value_or(e.modified))});
        if (e.modified.nanoseconds != 0 || e.modified.seconds < 0)
            h.pax.push_back({"mtime", wcow::formatPaxTime(e.modified)});
        m_writer.add(h);
        ++m_counts.entries;
        if (e.type == EntryType::File || e.type == EntryType::Stream)
            copyData(e);
    }

    void copyData(const wcow::WindowsEntry& e)
    {
        // The tree's path is Files/<path on the volume>; a stream's is "<file>:<stream>".
        std::string onVolume = e.path.substr(FilesFolder.size() + 1);
        if (e.type == EntryType::Stream)
            onVolume.resize(onVolume.size() - e.streamName.size() - 1);
        const auto source = m_volume.open(onVolume, e.type == EntryType::Stream ? e.streamName : std::string());
        if (source->storedSize() != e.size)
            throw Error({m_volume.file(), {}, e.path, {}}, "the file's size changed while the disk was read");
        uint64_t remaining = e.size;
        while (remaining > 0) {
            const size_t n = source->read(m_buffer.data(), size_t(std::min<uint64_t>(remaining, m_buffer.size())));
            m_writer.writeData(m_buffer.data(), n);
            remaining -= n;
            m_counts.bytes += n;
            m_progress.advance(m_counts.bytes, m_total);
            m_progress.checkCancelled();
        }
        ++m_counts.files;
    }

    const NtfsVolume& m_volume;
    const TreeIndex& m_tree;
    tar::TarWriter m_writer;
    Progress& m_progress;
    std::vector<bool> m_needed;
    std::vector<NodeId> m_hardLinks;
    std::vector<uint8_t> m_buffer = std::vector<uint8_t>(size_t(1) << 20);
    wcow::PaxTime m_latest {};
    uint64_t m_total = 0; // file and stream bytes to copy, for progress
    SandboxLayerCounts m_counts;
};

} // namespace

SandboxLayerCounts writeSandboxLayer(const std::filesystem::path& disk, io::ByteSink& tar, Progress& progress)
{
    const NtfsVolume volume(disk);
    index::ScanOptions options;
    options.hashFiles = false;
    options.progress = &progress;
    const index::LayerScan scan = scanVolume(volume, options, std::string(FilesFolder));
    // A layer missing an entry it should carry would import as if that change had not happened: refuse instead.
    if (!scan.problems.empty())
        throw Error({volume.file(), {}, scan.problems.front().path, {}}, scan.problems.front().message);
    return Writer(volume, scan.index, tar, progress).run();
}

SandboxCommit commitSandbox(const std::filesystem::path& disk, const std::filesystem::path& layerOut, bool overwrite,
                            Progress& progress)
{
    baselayer::PackageOptions options;
    options.format = baselayer::formatFromExtension(layerOut).value_or(baselayer::OutputFormat::TarGz);
    options.overwrite = overwrite;
    options.progress = &progress;
    SandboxCommit commit;
    commit.layer = baselayer::packageLayer(
        [&](io::ByteSink& sink) { commit.counts = writeSandboxLayer(disk, sink, progress); }, layerOut, options);
    return commit;
}

} // namespace layerscope::disk
