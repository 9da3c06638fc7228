// SPDX-License-Identifier: Apache-2.0
#include "layoutchecker.h"

#include "casefold.h"
#include "common/error.h"
#include "entrydecoder.h"
#include "ntfsnames.h"

#include <algorithm>
#include <limits>

namespace layerscope::wcow {

namespace {

// wcow-layer-format §1.3 / §3.1, upper-cased for comparison with folded names.
constexpr const char* kConfigDir = "FILES/WINDOWS/SYSTEM32/CONFIG";
constexpr const char* kConfigHives[5] = {"DEFAULT", "SAM", "SECURITY", "SOFTWARE", "SYSTEM"};
constexpr const char* kBcdPath = "UTILITYVM/FILES/EFI/MICROSOFT/BOOT/BCD";

bool under(std::string_view folded, std::string_view dir)
{
    return folded.size() > dir.size() && folded.starts_with(dir) && folded[dir.size()] == '/';
}

bool atOrUnder(std::string_view folded, std::string_view dir)
{
    return folded == dir || under(folded, dir);
}

std::string_view firstComponent(std::string_view path)
{
    return path.substr(0, path.find('/'));
}

} // namespace

void LayoutChecker::note(Scope scope, Problem::Severity severity, const std::string& path, std::string message)
{
    m_pending.push_back(Pending {m_order, scope, Problem {severity, path, std::move(message)}});
}

void LayoutChecker::add(const WindowsEntry& entry)
{
    ++m_order;
    using Severity = Problem::Severity;
    const std::string& path = entry.path;
    if (path.empty())
        return; // a "./" root entry: nothing to create
    if (entry.tarIndex > UINT32_MAX) // Seen keeps 32 bits; such a tar would hold 2 TiB of headers alone
        throw Error({{}, entry.tarIndex, path, entry.headerOffset}, "layout check: more than 2^32 tar entries");
    const std::string folded = foldCase(path);
    const std::string root(firstComponent(folded));

    if (root == "FILES" || root == "HIVES" || atOrUnder(folded, "UTILITYVM/FILES"))
        m_windows = true;
    if (folded == "FILES" && entry.type == EntryType::Directory)
        m_hasFilesEntry = true;

    if (root != "FILES" && root != "HIVES" && root != "UTILITYVM" && m_reportedRoots.insert(root).second)
        note(Scope::Windows, Severity::Warning, path,
             std::string(1, '"').append(firstComponent(path))
                 + "\" is outside Files/, Hives/ and UtilityVM/: the base writer copies it verbatim into the layer "
                   "folder and what the delta importer does with it is undocumented; avoid (wcow-layer-format §1.3)");
    if (root == "HIVES" && !m_reportedHivesInBase) {
        m_reportedHivesInBase = true;
        note(Scope::Base, Severity::Warning, path,
             "Hives/ in a base layer: it holds per-layer registry deltas that Windows' importer writes itself; a "
             "pre-existing Hives folder is reported to make base setup fail (wcow-layer-format §3.5)");
    }

    // Duplicates, including case-only differences (§1.2). Both entries are named by index and byte offset.
    if (const uint32_t seen = m_seen.find(path); seen != FoldedPathSet::None) {
        const Seen& earlier = m_seenEntries[seen];
        const std::string first = m_seen.spelling(seen);
        const std::string where = "entry " + std::to_string(entry.tarIndex) + " at byte "
            + std::to_string(entry.headerOffset) + " repeats entry " + std::to_string(earlier.tarIndex) + " at byte "
            + std::to_string(earlier.headerOffset);
        if (first == path) {
            note(Scope::Windows, Severity::Error, path,
                 "duplicate entry (" + where
                     + "): the importer creates every name with create-new semantics, so the second one fails");
            note(Scope::Linux, Severity::Warning, path,
                 "duplicate entry (" + where + "): extractors replace the earlier one, so only the later one counts");
        } else {
            note(Scope::Windows, Severity::Error, path,
                 "differs from the earlier entry \"" + first + "\" only in case (" + where
                     + "): NTFS names are case-insensitive, so the importer's create-new fails");
        }
    }

    // Names Windows cannot create. A stream is checked by its owner's name; the importer splits at the colon.
    if (entry.type != EntryType::Whiteout) {
        const std::string owner = entry.type == EntryType::Stream ? streamOwner(path) : path;
        const std::string_view base = baseName(owner);
        if (auto problem = ntfsNameProblem(base))
            note(Scope::Windows, Severity::Error, path,
                 "the name \"" + std::string(base) + "\" " + *problem
                     + ": Windows cannot create it, so importing the layer fails or creates another name");
    }

    // moby/moby#40444, microsoft/Windows-Containers#43: importing files of 8 GiB and more failed on Windows; ustar's
    // 11 octal digits stop just short of 8 GiB, so such a size needs a PAX size record (or GNU base-256).
    constexpr uint64_t EightGiB = uint64_t(8) << 30;
    if ((entry.type == EntryType::File || entry.type == EntryType::Stream) && entry.size >= EightGiB)
        note(Scope::Windows, Severity::Warning, path,
             "file of " + std::to_string(entry.size)
                 + " bytes (8 GiB or more): Windows hosts have failed to import "
                   "such files (moby/moby#40444, microsoft/Windows-Containers#43)"
                 + (entry.sizeFromPax ? std::string()
                                      : std::string("; its size is not in a PAX size record (GNU base-256 instead), "
                                                    "which readers limited to ustar misread")));

    // FILE_ATTRIBUTE_REPARSE_POINT (0x400) promises reparse data, which only symlinks and junctions carry
    // (wcow-layer-format §1.6).
    if (entry.attributes && (*entry.attributes & 0x400) && entry.type != EntryType::Symlink
        && entry.type != EntryType::Junction)
        note(Scope::Windows, Severity::Warning, path,
             std::string("has the reparse-point attribute (0x400) but is a ") + entryTypeName(entry.type)
                 + ", not a symlink or junction: the layer carries no reparse data for it, so the importer cannot "
                   "restore what the attribute promises");

    // A whiteout deletes from its parent directory, which changes the directory's times. Importers re-apply the times
    // of the layer's directory entries after the whole layer is written (§1.6; the fix for microsoft/hcsshim#830 made
    // that happen after whiteouts too), so only an entry for the directory in this layer puts them back; checked in
    // finish() (containerd/containerd#4301).
    if (entry.type == EntryType::Whiteout && !parentPath(folded).empty())
        m_whiteoutParents.try_emplace(std::string(parentPath(folded)), path);

    // Parents must precede children (§1.2).
    const std::string parent(parentPath(folded));
    if (!parent.empty()) {
        const uint32_t seen = m_seen.find(parent);
        if (seen == FoldedPathSet::None) {
            if (m_reportedParents.insert(parent).second) {
                note(Scope::Base, Severity::Error, path,
                     "parent directory \"" + std::string(parentPath(path))
                         + "\" has not appeared earlier in the layer: importers create each entry relative to the "
                           "layer root with create-new semantics and never create missing parents (\"path not "
                           "found (0x3)\")");
                // A delta is applied over its parents, which may hold the directory; Windows' own exports still
                // list every parent, so its absence is worth a note.
                note(Scope::Delta, Severity::Warning, path,
                     "parent directory \"" + std::string(parentPath(path))
                         + "\" is not in this layer: it must come from a parent layer, or the import fails with "
                           "\"path not found (0x3)\"");
            }
        } else if (m_seenEntries[seen].type != EntryType::Directory && m_reportedParents.insert(parent).second) {
            note(Scope::Windows, Severity::Error, path,
                 "parent \"" + m_seen.spelling(seen) + "\" is a " + entryTypeName(m_seenEntries[seen].type)
                     + ", not a directory: the importer cannot create entries inside it");
        }
    }

    if (entry.type == EntryType::Whiteout) {
        note(Scope::Base, Severity::Error, path,
             "whiteout in a base layer: the base-layer writer rejects it (\"base layer cannot have tombstones\")");
        if (!under(folded, "FILES") && !under(folded, "UTILITYVM/FILES"))
            note(Scope::Delta, Severity::Error, path,
                 "whiteout outside Files/ and UtilityVM/Files/: the delta importer rejects it (\"invalid "
                 "tombstone\")");
    }

    if (entry.type == EntryType::Hardlink) {
        if (!under(folded, "FILES") && !under(folded, "UTILITYVM/FILES"))
            note(Scope::Windows, Severity::Error, path,
                 "hard link outside Files/ and UtilityVM/Files/: importers only create links there (§1.3)");
        const std::string target = normalizePath(entry.linkTarget);
        if (m_seen.find(target) == FoldedPathSet::None) {
            note(Scope::Base, Severity::Error, path,
                 "hard-link target \"" + target
                     + "\" has not appeared earlier: a base layer has no parent to find it in, so the link fails");
            note(Scope::Delta, Severity::Warning, path,
                 "hard-link target \"" + target
                     + "\" is not earlier in this layer; the importer looks for it in the parent layers, and the "
                       "import fails if none has it");
        }
    }

    if (root == "UTILITYVM") {
        m_hasUtilityVm = true;
        if (folded == kBcdPath && entry.type == EntryType::File)
            m_hasBcd = true;
        if (folded != "UTILITYVM" && !atOrUnder(folded, "UTILITYVM/FILES"))
            note(Scope::Delta, Severity::Error, path,
                 "under UtilityVM/ but not under UtilityVM/Files: the delta importer rejects it (\"invalid UtilityVM "
                 "layer\")");
    }

    if (parentPath(folded) == kConfigDir && entry.type == EntryType::File) {
        const std::string_view name = baseName(folded);
        for (size_t i = 0; i < 5; ++i)
            if (name == kConfigHives[i]) {
                m_hiveSizes[i] = entry.size;
                m_hivePaths[i] = path;
                if (entry.size == 0)
                    note(Scope::Windows, Severity::Error, path,
                         "zero-length hive: accepted as a base, but every layer imported on top fails with 'The "
                         "configuration registry database is corrupt (0x3f1)' (wcow-layer-format §3.3)");
            }
    }

    // §1.6: a stream belongs to the entry written just before it (other streams of the same owner may come
    // between).
    if (entry.type == EntryType::Stream) {
        if (foldCase(streamOwner(path)) != m_lastOwner)
            note(Scope::Windows, Severity::Warning, path,
                 "alternate data stream not directly after its owner \"" + streamOwner(path)
                     + "\": importers attach a stream to the entry written just before it");
    } else {
        m_lastOwner = folded;
    }

    if (m_seen.insert(path).second)
        m_seenEntries.push_back(Seen {entry.headerOffset, uint32_t(entry.tarIndex), entry.type});
}

void LayoutChecker::addHiveCheck(const std::string& path, bool valid, const std::string& reason)
{
    if (!valid)
        m_invalidHives.emplace_back(path, reason);
}

LayoutChecker::Result LayoutChecker::finish()
{
    using Severity = Problem::Severity;
    Result result;
    const bool base = m_windows && std::any_of(m_hiveSizes.begin(), m_hiveSizes.end(), [](auto& s) { return s; });
    result.layout = !m_windows ? Layout::Linux : base ? Layout::WindowsBase : Layout::WindowsDelta;

    m_order = std::numeric_limits<uint64_t>::max();
    if (base) {
        for (size_t i = 0; i < 5; ++i)
            if (!m_hiveSizes[i])
                note(Scope::Base, Severity::Error, std::string("Files/Windows/System32/config/") + kConfigHives[i],
                     std::string("config hive ") + kConfigHives[i]
                         + " is missing: a base layer needs all five (DEFAULT, SAM, SECURITY, SOFTWARE, SYSTEM); "
                           "Windows' base-layer processing loads each of them");
        if (m_hasUtilityVm && !m_hasBcd)
            note(Scope::Base, Severity::Error, "UtilityVM/Files/EFI/Microsoft/Boot/BCD",
                 "UtilityVM/ without UtilityVM/Files/EFI/Microsoft/Boot/BCD: processing the utility VM image needs a "
                 "valid BCD hive and fails without it (wcow-layer-format §1.3)");
    }
    for (const auto& [parent, whiteout] : m_whiteoutParents) {
        const uint32_t seen = m_seen.find(parent);
        if (seen != FoldedPathSet::None && m_seenEntries[seen].type == EntryType::Directory)
            continue;
        note(Scope::Delta, Severity::Warning, whiteout,
             "whiteout without an entry for its directory \"" + std::string(parentPath(whiteout))
                 + "\" in the layer: deleting the file changes the directory's modification time and nothing in the "
                   "layer restores it; Windows then sees a changed directory (for System32/CatRoot it rebuilds the "
                   "catalog database at every container start: containerd/containerd#4301, microsoft/hcsshim#830)");
    }
    if (m_windows && !m_hasFilesEntry)
        note(Scope::Delta, Severity::Warning, "Files",
             "no Files directory entry: Windows exports always start with it, and the importer needs it before "
             "anything inside it");
    for (const auto& invalid : m_invalidHives) {
        // Named references, not a structured binding: lambdas capturing structured bindings need C++20 support
        // that clang < 16 lacks.
        const std::string& path = invalid.first;
        const std::string& reason = invalid.second;
        // A zero-length config hive already has its own, more specific error.
        const bool zeroLength = std::any_of(m_hivePaths.begin(), m_hivePaths.end(),
                                            [&](const std::string& p) { return !p.empty() && p == path; })
            && [&] {
                   for (size_t i = 0; i < 5; ++i)
                       if (m_hivePaths[i] == path)
                           return m_hiveSizes[i] == uint64_t(0);
                   return false;
               }();
        if (!zeroLength)
            note(Scope::Always, Severity::Error, path,
                 "invalid registry hive (" + reason
                     + "): Windows loads this hive while importing or processing the layer and fails, typically "
                       "with 'The configuration registry database is corrupt (0x3f1)'");
    }

    std::stable_sort(m_pending.begin(), m_pending.end(),
                     [](const Pending& a, const Pending& b) { return a.order < b.order; });
    for (auto& pending : m_pending) {
        bool applies = false;
        switch (pending.scope) {
        case Scope::Always:
            applies = true;
            break;
        case Scope::Windows:
            applies = m_windows;
            break;
        case Scope::Base:
            applies = result.layout == Layout::WindowsBase;
            break;
        case Scope::Delta:
            applies = result.layout == Layout::WindowsDelta;
            break;
        case Scope::Linux:
            applies = !m_windows;
            break;
        }
        if (applies)
            result.problems.push_back(std::move(pending.problem));
    }
    m_pending.clear();
    return result;
}

} // namespace layerscope::wcow
