// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "foldedpathset.h"
#include "layerlayout.h"
#include "windowsentry.h"

#include <array>
#include <cstdint>
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
//  - duplicate names, including names differing only in case;
//  - hard links named outside Files/ or UtilityVM/Files/; hard-link targets not seen earlier (error in a base
//    layer, warning in a delta: the target may be in a parent layer);
//  - base layer with UtilityVM/ but no UtilityVM/Files/EFI/Microsoft/Boot/BCD;
//  - delta entries under UtilityVM/ but not under UtilityVM/Files ("invalid UtilityVM layer");
//  - base layer missing some of the five config hives; zero-length config hives;
//  - hives reported invalid through addHiveCheck();
//  - warnings: other names at the root; Hives/ in a base layer; an alternate data stream not directly after its
//    owning entry; a delta layer without a Files directory entry.
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
    enum class Scope : uint8_t { Always, Windows, Base, Delta };

    struct Pending
    {
        uint64_t order;
        Scope scope;
        Problem problem;
    };

    void note(Scope scope, Problem::Severity severity, const std::string& path, std::string message);

    uint64_t m_order = 0;
    bool m_windows = false;
    bool m_hasFilesEntry = false;
    bool m_hasUtilityVm = false;
    bool m_hasBcd = false;
    // Every name seen so far and the type of the first entry with it (by the set's id). A layer has one of these
    // per entry, so they are kept compact (~40 bytes each; see FoldedPathSet).
    FoldedPathSet m_seen;
    std::vector<EntryType> m_seenTypes;
    std::set<std::string> m_reportedParents; // folded
    std::set<std::string> m_reportedRoots; // folded
    std::string m_lastOwner; // folded path of the last non-stream entry
    bool m_reportedHivesInBase = false;
    std::array<std::optional<uint64_t>, 5> m_hiveSizes; // DEFAULT, SAM, SECURITY, SOFTWARE, SYSTEM
    std::array<std::string, 5> m_hivePaths;
    std::vector<Pending> m_pending;
    std::vector<std::pair<std::string, std::string>> m_invalidHives; // path, reason
};

} // namespace layerscope::wcow
