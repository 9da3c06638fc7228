// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "diff/change.h"
#include "diff/field.h"
#include "diff/hivecomparison.h"
#include "diff/pathglob.h"
#include "index/treeindex.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope::diff {

// What a rule sees of one change. Records are null on the side where the entry is absent; the effective records
// are what a hard link points at (the file's data and metadata, shared by every name of an NTFS file), otherwise
// the record itself.
struct ChangeContext
{
    std::string_view path; // display path (tree A's spelling when present)
    std::string_view matchPath; // the path globs are matched against: folded when `folded`
    bool folded = false;
    ChangeKind kind = ChangeKind::Changed;
    const index::TreeIndex* treeA = nullptr;
    const index::TreeIndex* treeB = nullptr;
    const index::TreeIndex::Record* a = nullptr;
    const index::TreeIndex::Record* b = nullptr;
    const index::TreeIndex::Record* effectiveA = nullptr;
    const index::TreeIndex::Record* effectiveB = nullptr;
    bool sameHardlinkGroup = false; // both names belong to hard-link groups holding the same set of names
    // A changed registry hive compared as a registry (TreeDiff looks into config hives, Hives/*_Delta and the
    // BCD store when both sides can be read); null otherwise.
    const HiveComparison* hive = nullptr;
};

// One named reason why a difference is expected. A rule covers paths (globs), fields and change kinds, optionally
// narrowed by a condition on the two records (built-in rules encode wcow-layer-format §6 that way). User rules
// from a rules file are path + fields + kinds only.
class DiffRule
{
public:
    // Called per field of a Changed entry, and with Field::Count for a whole Added/Removed entry.
    using Condition = std::function<bool(const ChangeContext&, Field)>;

    DiffRule(std::string name, std::string description, std::vector<std::string> globs, FieldSet fields, KindSet kinds,
             Condition condition = {});
    // The rule for entry order (a summary flag, not a per-entry change).
    static DiffRule orderRule(std::string name, std::string description);

    const std::string& name() const { return m_name; }
    const std::string& description() const { return m_description; }
    const std::vector<PathGlob>& globs() const { return m_globs; }
    FieldSet fields() const { return m_fields; }
    KindSet kinds() const { return m_kinds; }
    bool coversOrder() const { return m_order; }
    bool builtin() const { return m_builtin; }
    bool conditional() const { return bool(m_condition); }
    void setBuiltin(bool builtin) { m_builtin = builtin; }
    // Where the rule came from, for --list-rules ("built-in" or "rules.json").
    const std::string& origin() const { return m_origin; }
    void setOrigin(std::string origin) { m_origin = std::move(origin); }

    bool matchesPath(const ChangeContext& change) const;
    // Which of `fields` (the differing fields of a Changed entry) this rule explains.
    FieldSet covers(const ChangeContext& change, FieldSet fields) const;
    // Whether this rule explains an Added or Removed entry as a whole.
    bool coversEntry(const ChangeContext& change) const;

private:
    std::string m_name;
    std::string m_description;
    std::vector<PathGlob> m_globs;
    FieldSet m_fields;
    KindSet m_kinds;
    Condition m_condition;
    std::string m_origin = "built-in";
    bool m_order = false;
    bool m_builtin = false;
};

} // namespace layerscope::diff
