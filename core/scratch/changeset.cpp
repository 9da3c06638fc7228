// SPDX-License-Identifier: Apache-2.0
#include "scratch/changeset.h"

#include "diff/treediff.h"
#include "index/folderscan.h"
#include "index/treeindexbuilder.h"
#include "io/filesource.h"
#include "wcow/casefold.h"

#include <map>

namespace layerscope::scratch {

namespace {

using wcow::EntryType;

bool isStatePath(std::string_view path)
{
    // "Files/.layerscope" and below; compared folded, since on NTFS ".LayerScope" is the same folder.
    constexpr std::string_view prefix = "Files/";
    if (!path.starts_with(prefix))
        return false;
    const std::string_view rest = path.substr(prefix.size());
    const std::string_view top = rest.substr(0, rest.find('/'));
    return wcow::equalsIgnoringCase(top, ScratchSession::StateFolderName);
}

bool fileLike(EntryType t)
{
    return t == EntryType::File || t == EntryType::Hardlink;
}

class Hasher
{
public:
    explicit Hasher(Progress& progress)
        : m_progress(progress)
        , m_buffer(size_t(1) << 20)
    { }
    Sha256Digest hash(const std::filesystem::path& path)
    {
        io::FileSource source(path);
        for (size_t n; (n = source.read(m_buffer.data(), m_buffer.size())) > 0;) {
            m_sha.update(m_buffer.data(), n);
            m_done += n;
            m_progress.advance(m_done, 0);
            m_progress.checkCancelled();
        }
        return m_sha.finish();
    }

private:
    Progress& m_progress;
    std::vector<uint8_t> m_buffer;
    Sha256 m_sha;
    uint64_t m_done = 0;
};

} // namespace

ChangeSet ChangeSet::compute(const std::filesystem::path& workDir, const ScratchSession& session, Progress& progress)
{
    std::map<std::string, const BaselineEntry*> baseline;
    for (const BaselineEntry& b : session.baseline)
        baseline.emplace(wcow::foldCase(b.path), &b);

    index::FolderScanOptions options;
    options.prefix = "Files";
    options.hashFiles = false;
    options.caseInsensitive = true;
    options.progress = &progress;
    const index::TreeIndex scanned = index::scanFolder(workDir, options);

    ChangeSet out;
    {
        Hasher hasher(progress);
        index::TreeIndexBuilder builder(true);
        for (const auto& record : scanned.records()) {
            progress.checkCancelled();
            const std::string path = scanned.path(record.node);
            if (isStatePath(path))
                continue;
            wcow::WindowsEntry entry = scanned.entry(record);
            entry.path = path;
            std::optional<Sha256Digest> digest;
            if (entry.type == EntryType::File) {
                const auto it = baseline.find(wcow::foldCase(path));
                const BaselineEntry* b = it == baseline.end() ? nullptr : it->second;
                if (b && b->type == EntryType::File && b->sha256 && b->size == entry.size
                    && b->modified == entry.modified && b->changed && entry.changed && *b->changed == *entry.changed)
                    digest = b->sha256;
                else
                    digest = hasher.hash(workDir / std::filesystem::u8path(path.substr(6)));
            }
            builder.add(entry, digest);
        }
        out.m_current = builder.finish();
    }

    const index::TreeIndex before = session.baselineTree();
    const diff::DiffSide a {"baseline", "", &before, diff::DiffSide::Kind::Folder, true};
    const diff::DiffSide b {"work folder", "", &out.m_current, diff::DiffSide::Kind::Folder, true};
    const diff::DiffResult result = diff::TreeDiff::compare(a, b, diff::DiffRules::none(), progress);

    std::string removedPrefix; // the last removed folder, whose contents are not listed again
    for (const diff::Change& change : result.changes()) {
        const std::string path = result.path(change);
        if (!removedPrefix.empty() && wcow::foldCase(path).starts_with(removedPrefix))
            continue;
        removedPrefix.clear();
        const auto* recA = result.record(change, diff::DiffResult::Side::A);
        const auto* recB = result.record(change, diff::DiffResult::Side::B);
        ScratchChange c;
        c.path = path;
        switch (change.kind) {
        case diff::ChangeKind::Added:
            c.kind = ChangeKind::Added;
            c.type = recB ? recB->type : EntryType::Directory;
            break;
        case diff::ChangeKind::Removed:
            c.kind = ChangeKind::Removed;
            c.type = recA ? recA->type : EntryType::Directory;
            removedPrefix = wcow::foldCase(path) + "/";
            break;
        case diff::ChangeKind::Changed: {
            c.kind = ChangeKind::Modified;
            c.type = recB ? recB->type : EntryType::Directory;
            diff::FieldSet fields = change.fields;
            // One file with several names is one file: which name the scan met first (Hardlink vs File) and
            // how many names it has are not changes of this name's content.
            fields.erase(diff::Field::HardlinkGroup);
            if (recA && recB && fileLike(recA->type) && fileLike(recB->type))
                fields.erase(diff::Field::Type);
            if (c.type == EntryType::Directory)
                fields.erase(diff::Field::Modified);
            for (diff::Field f : fields.list())
                c.fields.emplace_back(diff::fieldName(f));
            if (c.fields.empty())
                continue;
            break;
        }
        }
        if (path == "Files")
            continue; // the work folder itself: its metadata comes from the chain
        if (c.kind == ChangeKind::Removed) {
            out.m_removed.push_back(path);
            ++out.m_status.removed;
        } else {
            out.m_written.insert(wcow::foldCase(path));
            ++(c.kind == ChangeKind::Added ? out.m_status.added : out.m_status.modified);
        }
        out.m_status.changes.push_back(std::move(c));
    }
    return out;
}

} // namespace layerscope::scratch
