// SPDX-License-Identifier: Apache-2.0
#include "scratch/materializer.h"

#include "common/error.h"
#include "io/decompressingsource.h"
#include "scratch/pathpolicy.h"
#include "tar/tarreader.h"
#include "wcow/casefold.h"
#include "wcow/entrydecoder.h"

namespace layerscope::scratch {

namespace {

using wcow::EntryType;

constexpr std::string_view FilesPrefix = "Files/";

bool isAbsolutePrintName(const std::string& target)
{
    if (target.empty())
        return false;
    if (target.front() == '\\' || target.front() == '/')
        return true;
    return target.size() >= 2 && target[1] == ':';
}

} // namespace

Materializer::Materializer(SafeFolder& folder)
    : m_folder(folder)
{
    Origin root;
    root.diskType = EntryType::Directory;
    root.entry.path = "Files";
    root.entry.type = EntryType::Directory;
    m_nodes.emplace(std::string(), std::move(root));
}

std::string Materializer::diskLinkTarget(const std::string& printName)
{
    if (isAbsolutePrintName(printName))
        return printName;
    std::string out = printName;
    for (char& c : out)
        if (c == '\\')
            c = '/';
    return out;
}

void Materializer::refuse(const std::string& message) const
{
    throw Error({m_layerName, m_entryIndex, m_entryPath, m_entryOffset}, "refusing to materialise: " + message);
}

void Materializer::applyLayer(std::unique_ptr<io::ByteSource> stored, const std::string& layerName, uint16_t layer,
                              Progress& progress, uint64_t doneBefore, uint64_t total)
{
    m_layerName = layerName;
    auto source = io::openDecompressed(std::move(stored));
    tar::TarReader reader(*source);
    tar::TarHeader header;
    std::vector<wcow::Problem> problems;
    while (reader.next(header)) {
        progress.checkCancelled();
        progress.advance(doneBefore + source->storedPosition(), total);
        m_entryIndex = header.index;
        m_entryPath = header.path;
        m_entryOffset = header.headerOffset;
        // Raw names first: decodeEntry() strips a leading '/', which would turn an absolute path into a
        // harmless-looking relative one.
        if (auto problem = rawNameProblem(header.path))
            refuse(*problem);
        if (header.type == tar::typeflag::HardLink)
            if (auto problem = rawNameProblem(header.linkPath))
                refuse("hard-link target '" + header.linkPath + "': " + *problem);
        problems.clear();
        const wcow::WindowsEntry entry = wcow::decodeEntry(header, problems);
        applyEntry(entry, reader, layer);
    }
    progress.advance(doneBefore + source->storedPosition(), total);
}

const Materializer::Origin& Materializer::ensureParents(std::string_view relative)
{
    // Walks down from the work folder; a missing folder is created implicitly (importers would fail on it in a
    // base layer, §1.2, but a merged view shows it, and so do we).
    const Origin* current = &m_nodes.at(std::string());
    std::string key;
    for (size_t start = 0; !relative.empty();) {
        const size_t end = relative.find('/', start);
        const std::string_view component = relative.substr(start, end - start);
        if (!key.empty())
            key += '/';
        key += wcow::foldCase(component);
        auto it = m_nodes.find(key);
        if (it == m_nodes.end()) {
            Origin implicit;
            implicit.diskPath
                = current->diskPath.empty() ? std::string(component) : current->diskPath + "/" + std::string(component);
            implicit.diskType = EntryType::Directory;
            implicit.entry.path = std::string(FilesPrefix) + implicit.diskPath;
            implicit.entry.type = EntryType::Directory;
            m_folder.createDirectory(implicit.diskPath);
            ++m_directories;
            it = m_nodes.emplace(key, std::move(implicit)).first;
        } else if (it->second.diskType != EntryType::Directory) {
            refuse("'" + it->second.entry.path + "' is a " + wcow::entryTypeName(it->second.entry.type)
                   + ", not a folder: nothing may be written through it");
        }
        current = &it->second;
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    return *current;
}

// A file that would not fit is refused before a byte of it is written: a small gzip can declare terabytes of
// zeros, and filling the user's disk is no way to find out (issue 11). Some room is kept back for the baseline and
// for everything else on that disk.
void Materializer::reserveSpace(uint64_t size)
{
    constexpr uint64_t Reserve = uint64_t(64) << 20;
    if (size + Reserve > m_knownFree) {
        std::error_code ec;
        const auto space = std::filesystem::space(m_folder.root(), ec);
        if (ec)
            return; // unknown: the write itself will say if the disk is full
        m_knownFree = space.available;
    }
    if (size + Reserve > m_knownFree)
        refuse("the file needs " + std::to_string(size) + " bytes but the work folder's disk has "
               + std::to_string(m_knownFree) + " free (keeping " + std::to_string(Reserve >> 20) + " MiB back)");
    m_knownFree -= size;
}

void Materializer::removeSubtree(const std::string& key)
{
    const auto it = m_nodes.find(key);
    if (it == m_nodes.end())
        return;
    m_folder.remove(it->second.diskPath);
    const std::string prefix = key + "/";
    for (auto c = m_nodes.lower_bound(prefix); c != m_nodes.end() && c->first.starts_with(prefix);)
        c = m_nodes.erase(c);
    m_nodes.erase(key);
}

void Materializer::applyEntry(const wcow::WindowsEntry& entry, tar::TarReader& reader, uint16_t layer)
{
    if (entry.path == "Files") {
        if (entry.type != EntryType::Directory)
            refuse("Files must be a folder");
        Origin& root = m_nodes.at(std::string());
        root.entry = entry;
        root.listed = true;
        root.layer = layer;
        return;
    }
    if (!entry.path.starts_with(FilesPrefix))
        return; // Hives/, UtilityVM/: not part of the container's file system view
    const std::string_view relative = std::string_view(entry.path).substr(FilesPrefix.size());

    switch (entry.type) {
    case EntryType::Stream:
        ++m_streams;
        return;
    case EntryType::Other:
        refuse("device, FIFO and unknown entry types cannot be part of a Windows layer");
    case EntryType::Whiteout: {
        const std::string target = wcow::whiteoutTarget(relative);
        const std::string_view parent = wcow::parentPath(target);
        if (auto problem = relativePathProblem(parent.empty() ? std::string_view("x") : parent))
            refuse(*problem);
        const std::string parentKey = wcow::foldCase(parent);
        if (wcow::baseName(relative) == wcow::kOpaqueWhiteout) {
            // hcsshim has no opaque directories (§1.6); the merged view (mergeLayers) empties the folder, as
            // overlay does, and so do we so that the two agree.
            const auto dir = m_nodes.find(parentKey);
            if (dir != m_nodes.end() && dir->second.diskType == EntryType::Directory) {
                const std::string prefix = parentKey.empty() ? std::string() : parentKey + "/";
                std::vector<std::string> children;
                for (auto c = m_nodes.lower_bound(prefix); c != m_nodes.end() && c->first.starts_with(prefix); ++c)
                    if (!c->first.empty() && c->first.find('/', prefix.size()) == std::string::npos)
                        children.push_back(c->first);
                for (const auto& c : children)
                    removeSubtree(c);
            }
            return;
        }
        if (auto problem = componentProblem(wcow::baseName(target)))
            refuse(*problem);
        removeSubtree(wcow::foldCase(target));
        return;
    }
    default:
        break;
    }

    if (auto problem = relativePathProblem(relative))
        refuse(*problem);
    const std::string_view leaf = wcow::baseName(relative);
    const Origin& parent = ensureParents(wcow::parentPath(relative));
    const std::string diskPath
        = parent.diskPath.empty() ? std::string(leaf) : parent.diskPath + "/" + std::string(leaf);
    const std::string key = wcow::foldCase(relative);

    const auto existing = m_nodes.find(key);
    if (existing != m_nodes.end()) {
        // Across layers a differently spelled name replaces the lower one, as on NTFS; inside one layer the two
        // entries would both be created, and the importer's create-new fails on the second (wcow-layer-format §1.2).
        if (existing->second.listed && existing->second.layer == layer && existing->second.entry.path != entry.path)
            refuse("'" + entry.path + "' and the earlier '" + existing->second.entry.path
                   + "' of the same layer differ only in case; Windows can hold only one of them");
        if (entry.type == EntryType::Directory && existing->second.diskType == EntryType::Directory) {
            // A folder listed again by an upper layer (its parents are listed by every delta): new metadata only.
            existing->second.entry = entry;
            existing->second.listed = true;
            existing->second.layer = layer;
            return;
        }
        removeSubtree(key);
    }

    Origin origin;
    origin.diskPath = diskPath;
    origin.listed = true;
    origin.entry = entry;
    origin.layer = layer;
    const wcow::PaxTime accessed = entry.accessed.value_or(entry.modified);
    bool setTimes = true;
    switch (entry.type) {
    case EntryType::Directory:
        m_folder.createDirectory(diskPath);
        origin.diskType = EntryType::Directory;
        ++m_directories;
        setTimes = false; // in finish(), after the children
        break;
    case EntryType::File: {
        reserveSpace(entry.size);
        auto sink = m_folder.createFile(diskPath);
        for (;;) {
            const auto chunk = reader.readDataChunk(size_t(1) << 20);
            if (chunk.empty())
                break;
            sink->write(chunk.data(), chunk.size());
            m_bytes += chunk.size();
        }
        sink->finish();
        origin.diskType = EntryType::File;
        ++m_files;
        break;
    }
    case EntryType::Symlink:
    case EntryType::Junction:
        m_folder.createSymlink(diskPath, diskLinkTarget(entry.linkTarget), entry.type == EntryType::Junction);
        origin.diskType = EntryType::Symlink;
        ++m_links;
        break;
    case EntryType::Hardlink: {
        const std::string target = wcow::normalizePath(entry.linkTarget);
        if (!target.starts_with(FilesPrefix))
            refuse("hard link to '" + entry.linkTarget + "', outside Files/");
        const std::string_view targetRelative = std::string_view(target).substr(FilesPrefix.size());
        if (auto problem = relativePathProblem(targetRelative))
            refuse("hard-link target: " + *problem);
        const auto t = m_nodes.find(wcow::foldCase(targetRelative));
        if (t == m_nodes.end())
            refuse("hard-link target '" + entry.linkTarget + "' does not exist in this or a lower layer");
        if (t->second.diskType != EntryType::File)
            refuse("hard-link target '" + entry.linkTarget + "' is not a regular file");
        m_folder.createHardLink(diskPath, t->second.diskPath);
        origin.diskType = EntryType::File;
        // One file, several names: Windows gives every name the file's metadata.
        origin.entry = t->second.entry;
        origin.entry.path = entry.path;
        origin.entry.tarIndex = entry.tarIndex;
        ++m_links;
        setTimes = false; // the times are the target's, set when it was written
        break;
    }
    default:
        refuse(std::string("unexpected entry type ") + wcow::entryTypeName(entry.type));
    }
    if (setTimes) {
        try {
            m_folder.setTimes(diskPath, entry.modified, accessed);
        } catch (const Error&) {
            ++m_timeFailures; // e.g. a time before 1970 on a file system that cannot hold it
        }
    }
    m_nodes[key] = std::move(origin);
}

void Materializer::finish()
{
    // Children sort after their parents ("a" < "a/b"), so reverse order sets every folder after its contents.
    for (auto it = m_nodes.rbegin(); it != m_nodes.rend(); ++it) {
        const Origin& o = it->second;
        if (o.diskType != EntryType::Directory || !o.listed)
            continue;
        try {
            m_folder.setTimes(o.diskPath, o.entry.modified, o.entry.accessed.value_or(o.entry.modified));
        } catch (const Error&) {
            ++m_timeFailures;
        }
    }
}

const Materializer::Origin* Materializer::origin(std::string_view layerPath) const
{
    std::string key;
    if (layerPath != "Files") {
        if (!layerPath.starts_with(FilesPrefix))
            return nullptr;
        key = wcow::foldCase(layerPath.substr(FilesPrefix.size()));
    }
    const auto it = m_nodes.find(key);
    return it == m_nodes.end() ? nullptr : &it->second;
}

std::vector<std::string> Materializer::notes() const
{
    std::vector<std::string> out;
    if (m_streams > 0)
        out.push_back(std::to_string(m_streams)
                      + " alternate data stream(s) were not materialised (this file system has none); a committed "
                        "change to their file drops them");
    if (m_timeFailures > 0)
        out.push_back(std::to_string(m_timeFailures) + " time(s) could not be set on this file system");
    return out;
}

} // namespace layerscope::scratch
