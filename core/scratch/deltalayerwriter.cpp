// SPDX-License-Identifier: Apache-2.0
#include "scratch/deltalayerwriter.h"

#include "common/base64.h"
#include "common/error.h"
#include "io/filesource.h"
#include "io/platformfile.h"
#include "scratch/pathpolicy.h"
#include "tar/tarwriter.h"
#include "wcow/casefold.h"
#include "wcow/entrydecoder.h"
#include "wcow/fileattributes.h"
#include "wcow/layerheader.h"
#include "wcow/paxtime.h"
#include "wcow/securitydescriptor.h"

#include <algorithm>
#include <map>
#include <set>

namespace layerscope::scratch {

namespace {

using wcow::EntryType;

// Defaults for entries the chain did not have: an explicit ACL (SYSTEM and Administrators full control, Users read
// and execute, folders passing it on), so the new entry gets the same rights wherever the layer is imported,
// rather than whatever the importer's folder would hand down.
constexpr std::string_view DefaultDirectorySddl = "O:BAG:SYD:(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)";
constexpr std::string_view DefaultFileSddl = "O:BAG:SYD:(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x1200a9;;;BU)";

std::vector<uint8_t> sdOf(std::string_view sddl)
{
    return wcow::SecurityDescriptor::fromSddl(sddl).toBinary();
}

bool isAbsolutePrintName(const std::string& target)
{
    return !target.empty()
        && (target.front() == '\\' || target.front() == '/' || (target.size() >= 2 && target[1] == ':'));
}

// The Windows print name for a POSIX link text (the reverse of Materializer::diskLinkTarget).
std::string windowsLinkTarget(const std::string& text)
{
    if (isAbsolutePrintName(text))
        return text;
    std::string out = text;
    std::replace(out.begin(), out.end(), '/', '\\');
    return out;
}

bool compatible(EntryType was, EntryType now)
{
    auto group = [](EntryType t) {
        switch (t) {
        case EntryType::File:
        case EntryType::Hardlink:
            return 0;
        case EntryType::Directory:
            return 1;
        case EntryType::Symlink:
        case EntryType::Junction:
            return 2;
        default:
            return 3;
        }
    };
    return group(was) == group(now);
}

std::string relativeOf(const std::string& layerPath)
{
    return layerPath.size() > 6 ? layerPath.substr(6) : std::string();
}

} // namespace

DeltaLayerWriter::DeltaLayerWriter(const std::filesystem::path& workDir, const ScratchSession& session,
                                   const ChangeSet& changes, wcow::PaxTime now)
    : m_workDir(workDir)
    , m_session(session)
    , m_changes(changes)
    , m_now(now)
{ }

void DeltaLayerWriter::write(io::ByteSink& sink, Progress& progress) const
{
    const index::TreeIndex& current = m_changes.current();
    std::map<std::string, const BaselineEntry*> baseline;
    for (const BaselineEntry& b : m_session.baseline)
        baseline.emplace(wcow::foldCase(b.path), &b);

    // Which entries go in: the changed ones and every parent folder of a change (§1.2).
    std::set<std::string> needed = m_changes.written();
    auto addParents = [&](const std::string& path) {
        for (std::string_view p = wcow::parentPath(path); !p.empty(); p = wcow::parentPath(p))
            needed.insert(wcow::foldCase(p));
    };
    for (const auto& key : m_changes.written())
        addParents(key);
    std::map<std::string, std::vector<std::string>> whiteoutsByParent;
    for (const auto& removed : m_changes.removed()) {
        addParents(removed);
        whiteoutsByParent[wcow::foldCase(wcow::parentPath(removed))].emplace_back(wcow::baseName(removed));
    }
    needed.insert(wcow::foldCase("Files"));

    // Refuse what a Windows layer cannot hold before writing anything.
    std::vector<std::string> problems;
    uint64_t total = 0;
    for (const auto& record : current.records()) {
        const std::string path = current.path(record.node);
        if (path == "Files" || !m_changes.written().contains(wcow::foldCase(path)))
            continue;
        const std::string relative = relativeOf(path);
        if (auto problem = relativePathProblem(relative))
            problems.push_back(path + ": " + *problem);
        else if (wcow::baseName(relative).starts_with(wcow::kWhiteoutPrefix))
            problems.push_back(path
                               + ": a name starting with .wh. cannot be expressed in a Windows layer (it reads "
                                 "as a deletion, wcow-layer-format §1.6)");
        if (record.type == EntryType::File)
            total += record.size;
    }
    if (!problems.empty()) {
        std::string message = "cannot commit:";
        for (const auto& p : problems)
            message += "\n  " + p;
        throw Error({io::pathToUtf8(m_workDir), {}, {}, {}}, message);
    }

    const std::vector<uint8_t> defaultDirSd = sdOf(DefaultDirectorySddl);
    const std::vector<uint8_t> defaultFileSd = sdOf(DefaultFileSddl);
    tar::TarWriter writer(sink);
    std::vector<uint8_t> buffer(size_t(1) << 20);
    uint64_t done = 0;

    auto emitWhiteouts = [&](const std::string& dirPath) {
        const auto it = whiteoutsByParent.find(wcow::foldCase(dirPath));
        if (it == whiteoutsByParent.end())
            return;
        std::vector<std::string> names = it->second;
        std::sort(names.begin(), names.end());
        for (const auto& name : names) {
            // §1.4: whiteouts are plain entries, mode 0, time 0, no Windows records.
            tar::TarHeader h;
            h.path = dirPath + "/" + std::string(wcow::kWhiteoutPrefix) + name;
            wcow::setLayerEntryType(h, EntryType::Whiteout);
            writer.add(h);
            ++m_entries;
            ++m_whiteouts;
        }
    };

    for (const auto& record : current.records()) {
        progress.checkCancelled();
        const std::string path = current.path(record.node);
        const std::string key = wcow::foldCase(path);
        if (!needed.contains(key))
            continue;
        const auto bit = baseline.find(key);
        const BaselineEntry* b = bit == baseline.end() ? nullptr : bit->second;
        const wcow::WindowsEntry* win
            = b && b->windows && compatible(b->windows->type, record.type) ? &*b->windows : nullptr;
        // Times the user did not touch keep the chain's full-precision values; touched ones come from the disk.
        const bool untouched = win && b->modified == current.modified(record);
        const wcow::PaxTime modified = untouched ? win->modified : current.modified(record);
        const wcow::PaxTime created = win ? win->created.value_or(win->modified) : modified;
        const wcow::PaxTime accessed = untouched ? win->accessed.value_or(modified) : modified;
        const wcow::PaxTime changed = untouched ? win->changed.value_or(modified) : modified;

        tar::TarHeader h;
        h.path = path;
        h.mtime = modified.seconds;
        uint32_t attributes = wcow::fileattr::Archive;
        const std::vector<uint8_t>* sd = &defaultFileSd;
        bool junction = false;
        bool withSd = true;
        // wcow-layer-format §1.4: backuptar writes only the type bits of the mode.
        switch (record.type) {
        case EntryType::Directory:
            attributes = wcow::fileattr::Directory;
            sd = &defaultDirSd;
            wcow::setLayerEntryType(h, record.type);
            break;
        case EntryType::File:
            wcow::setLayerEntryType(h, record.type, record.size);
            break;
        case EntryType::Symlink: {
            const std::string text(current.linkTarget(record));
            std::string linkPath;
            if (win && (win->type == EntryType::Symlink || win->type == EntryType::Junction) && b->linkTarget == text) {
                linkPath = win->linkTarget;
                junction = win->type == EntryType::Junction;
            } else {
                linkPath = windowsLinkTarget(text);
                win = nullptr; // a new link: its old attributes (directory or not) may not fit
            }
            wcow::setLayerEntryType(h, junction ? EntryType::Junction : EntryType::Symlink, 0, std::move(linkPath));
            attributes
                = wcow::fileattr::ReparsePoint | (junction ? wcow::fileattr::Directory : wcow::fileattr::Archive);
            break;
        }
        case EntryType::Hardlink:
            wcow::setLayerEntryType(h, record.type, 0, std::string(current.linkTarget(record)));
            withSd = false;
            break;
        default:
            throw Error({io::pathToUtf8(m_workDir), {}, path, {}}, "cannot commit this kind of entry");
        }
        if (win) {
            if (win->attributes)
                attributes = *win->attributes;
            if (!win->securityDescriptor.empty())
                sd = &win->securityDescriptor;
        }
        // Go's archive/tar emits records in sorted key order (§1.2): upper-case vendor keys first.
        h.pax.push_back({"LIBARCHIVE.creationtime", wcow::formatPaxTime(created)});
        h.pax.push_back({"MSWINDOWS.fileattr", std::to_string(attributes)});
        if (junction)
            h.pax.push_back({"MSWINDOWS.mountpoint", "1"});
        if (withSd)
            h.pax.push_back({"MSWINDOWS.rawsd", base64Encode(*sd)});
        if (win && record.type == EntryType::File) {
            auto xattrs = win->xattrs;
            std::sort(xattrs.begin(), xattrs.end());
            for (const auto& [name, value] : xattrs)
                h.pax.push_back({"MSWINDOWS.xattr." + name,
                                 base64Encode({reinterpret_cast<const uint8_t*>(value.data()), value.size()})});
        }
        h.pax.push_back({"atime", wcow::formatPaxTime(accessed)});
        h.pax.push_back({"ctime", wcow::formatPaxTime(changed)});
        if (modified.nanoseconds != 0 || modified.seconds < 0)
            h.pax.push_back({"mtime", wcow::formatPaxTime(modified)});
        writer.add(h);
        ++m_entries;

        if (record.type == EntryType::File) {
            const auto file = m_workDir / std::filesystem::u8path(relativeOf(path));
            io::FileSource source(file);
            if (source.storedSize() != record.size)
                throw Error({io::pathToUtf8(file), {}, {}, {}},
                            "changed while the layer was being written; commit again when it is settled");
            uint64_t remaining = record.size;
            while (remaining > 0) {
                const size_t n = source.read(buffer.data(), size_t(std::min<uint64_t>(remaining, buffer.size())));
                if (n == 0)
                    throw Error({io::pathToUtf8(file), {}, {}, source.storedPosition()}, "shrank while being read");
                writer.writeData(buffer.data(), n);
                remaining -= n;
                done += n;
                progress.advance(done, total);
                progress.checkCancelled();
            }
        }
        if (record.type == EntryType::Directory)
            emitWhiteouts(path);
    }

    // §1.3: HCS exports and imgutil's writer carry a Hives directory in every delta layer.
    tar::TarHeader hives;
    hives.path = "Hives";
    hives.type = tar::typeflag::Directory;
    hives.mode = 040000;
    hives.mtime = m_now.seconds;
    const std::string now = wcow::formatPaxTime(m_now);
    hives.pax = {{"LIBARCHIVE.creationtime", now},
                 {"MSWINDOWS.fileattr", std::to_string(wcow::fileattr::Directory)},
                 {"MSWINDOWS.rawsd", base64Encode(defaultDirSd)},
                 {"atime", now},
                 {"ctime", now}};
    if (m_now.nanoseconds != 0)
        hives.pax.push_back({"mtime", now});
    writer.add(hives);
    ++m_entries;
    writer.finish();
    progress.advance(total, total);
}

} // namespace layerscope::scratch
