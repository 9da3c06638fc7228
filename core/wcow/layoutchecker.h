// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "foldedpathset.h"
#include "layerlayout.h"
#include "windowsentry.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope::wcow {

// Classifies a layer and checks it against what Windows' importers require, one entry at a time in tar order
// (memory grows with the number of distinct names, never with content). Whether a rule applies can depend on the
// classification, which is only known at the end (the config hives may come last), so such findings are held
// until finish(). Names are compared case-insensitively with foldCase() (NTFS semantics) in Windows layers.
//
// Findings (errors unless noted; wcow-layer-format §1.2, §1.3, §1.6, §3):
//  - base layer with whiteouts ("base layer cannot have tombstones");
//  - delta whiteouts outside Files/ or UtilityVM/Files/ ("invalid tombstone");
//  - a parent directory that has not appeared earlier ("path not found (0x3)"), or a parent that is not a
//    directory; reported once per missing parent;
//  - duplicate names, including names differing only in case, with both entries' byte offsets (in other layers:
//    a warning for exact duplicates, of which extractors keep the later);
//  - names Windows cannot create (ntfsNameProblem: reserved device names, <>"|?* and control characters, a
//    trailing dot or space, bytes that are not UTF-8), checked on each entry's last component;
//  - hard links named outside Files/ or UtilityVM/Files/; hard-link targets not seen earlier (error in a base
//    layer, warning in a delta: the target may be in a parent layer);
//  - base layer with UtilityVM/ but no UtilityVM/Files/EFI/Microsoft/Boot/BCD;
//  - delta entries under UtilityVM/ but not under UtilityVM/Files ("invalid UtilityVM layer");
//  - base layer missing some of the five config hives; zero-length config hives;
//  - hives reported invalid through addHiveCheck();
//  - warnings: other names at the root; Hives/ in a base layer; an alternate data stream not directly after its
//    owning entry; a delta layer without a Files directory entry; a file of 8 GiB or more (moby/moby#40444); the
//    reparse-point attribute on an entry that is neither a symlink nor a junction; a whiteout whose parent
//    directory has no entry in the layer, so that nothing restores the directory's times after the deletion
//    (containerd/containerd#4301, microsoft/hcsshim#830).
// README "Layout rules" lists every finding with its source.
// Linux layers get none of these (their tars follow different rules), except addHiveCheck() failures.
class LayoutChecker
{
public:
    struct Result
    {
        Layout layout = Layout::Linux;
        std::vector<Problem> problems; // in tar order, then whole-layer findings
    };

    void add(const WindowsEntry& entry);
    // Called by the scanner after validating a hive's bytes with the hive module (config hives, Hives/*_Delta,
    // the UtilityVM BCD). Invalid hives become errors.
    void addHiveCheck(const std::string& path, bool valid, const std::string& reason);
    Result finish();

private:
    // Which classification a finding belongs to.
    enum class Scope : uint8_t { Always, Windows, Base, Delta, Linux };

    struct Pending
    {
        uint64_t order;
        Scope scope;
        Problem problem;
    };

    // What a name's first entry was, by the FoldedPathSet id: its type for the parent checks, its position for the
    // duplicate messages. 16 bytes, since a layer has one per name (add() refuses more than 2^32 entries).
    struct Seen
    {
        uint64_t headerOffset;
        uint32_t tarIndex;
        EntryType type;
    };

    void note(Scope scope, Problem::Severity severity, const std::string& path, std::string message);

    uint64_t m_order = 0;
    bool m_windows = false;
    bool m_hasFilesEntry = false;
    bool m_hasUtilityVm = false;
    bool m_hasBcd = false;
    // Every name seen so far and its first entry (by the set's id). A layer has one of these per entry, so they are
    // kept compact (~40 + 16 bytes each; see FoldedPathSet).
    FoldedPathSet m_seen;
    std::vector<Seen> m_seenEntries;
    std::set<std::string> m_reportedParents; // folded
    std::set<std::string> m_reportedRoots; // folded
    std::string m_lastOwner; // folded path of the last non-stream entry
    bool m_reportedHivesInBase = false;
    std::array<std::optional<uint64_t>, 5> m_hiveSizes; // DEFAULT, SAM, SECURITY, SOFTWARE, SYSTEM
    std::array<std::string, 5> m_hivePaths;
    std::vector<Pending> m_pending;
    std::vector<std::pair<std::string, std::string>> m_invalidHives; // path, reason
    // Folded parents of whiteouts -> the first such whiteout's path; finish() checks that each has a directory entry.
    std::map<std::string, std::string> m_whiteoutParents;
};

} // namespace layerscope::wcow
