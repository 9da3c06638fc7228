// SPDX-License-Identifier: Apache-2.0
#include "layoutchecker.h"

#include "casefold.h"
#include "entrydecoder.h"

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

    // Duplicates, including case-only differences (§1.2).
    if (auto it = m_seen.find(folded); it != m_seen.end()) {
        if (seenPath(it->second) == path)
            note(Scope::Windows, Severity::Error, path,
                 "duplicate entry: the importer creates every name with create-new semantics, so the second \"" + path
                     + "\" fails");
        else
            note(Scope::Windows, Severity::Error, path,
                 "differs from the earlier entry \"" + std::string(seenPath(it->second))
                     + "\" only in case: NTFS names are case-insensitive, so the importer's create-new fails");
    }

    // Parents must precede children (§1.2).
    const std::string parent(parentPath(folded));
    if (!parent.empty()) {
        auto it = m_seen.find(parent);
        if (it == m_seen.end()) {
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
        } else if (it->second.type != EntryType::Directory && m_reportedParents.insert(parent).second) {
            note(Scope::Windows, Severity::Error, path,
                 "parent \"" + std::string(seenPath(it->second)) + "\" is a " + entryTypeName(it->second.type)
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
        if (!m_seen.contains(foldCase(target))) {
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

    if (auto [it, inserted]
        = m_seen.try_emplace(folded, Seen {uint32_t(m_paths.size()), uint32_t(path.size()), entry.type});
        inserted)
        m_paths += path;
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
        }
        if (applies)
            result.problems.push_back(std::move(pending.problem));
    }
    m_pending.clear();
    return result;
}

} // namespace layerscope::wcow
