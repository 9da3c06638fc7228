// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "diff/change.h"
#include "diff/diffrules.h"
#include "diff/diffside.h"
#include "diff/hardlinkgroups.h"
#include "diff/hivecomparison.h"

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace layerscope::diff {

struct DiffSummary
{
    uint64_t identical = 0; // entries present on both sides with no differing field
    uint64_t added = 0;
    uint64_t removed = 0;
    uint64_t changed = 0;
    uint64_t expected = 0; // changes every differing part of which a rule explains
    uint64_t unexpected = 0;
};

// The outcome of TreeDiff: compact changes in path order (depth first, siblings by matching key) plus everything
// a report needs to expand them. Borrows both trees (see DiffSide).
class DiffResult
{
public:
    enum class Side : uint8_t { A, B };

    const DiffSide& a() const { return m_a; }
    const DiffSide& b() const { return m_b; }
    const DiffSide& side(Side s) const { return s == Side::A ? m_a : m_b; }
    const std::vector<Change>& changes() const { return m_changes; }
    const DiffSummary& summary() const { return m_summary; }
    // Names were matched case-insensitively (either side is a Windows tree).
    bool caseInsensitive() const { return m_fold; }
    // Fields compared at all (fewer when a side is a folder).
    FieldSet comparedFields() const { return m_compared; }
    // Top-level names compared when a side is a folder; empty = everything.
    const std::vector<std::string>& scope() const { return m_scope; }
    // The one path compared, with what is below it (TreeDiff::compare with a subtree); empty for whole trees.
    const std::string& subtree() const { return m_subtree; }

    // Entry order is compared only between two layer tars.
    bool orderCompared() const { return m_orderCompared; }
    bool orderDiffers() const { return m_orderDiffers; }
    // The rule that explains the order difference, or nullptr (no difference, or not explained).
    const DiffRule* orderRule() const { return m_orderRule < 0 ? nullptr : &m_rules.rules()[size_t(m_orderRule)]; }

    // True when anything is not explained by a rule: the CLI's exit status 1.
    bool hasUnexpected() const { return m_summary.unexpected > 0 || (m_orderDiffers && m_orderRule < 0); }
    bool identical() const { return m_changes.empty() && !m_orderDiffers; }

    // The rules in effect, in order; Change::rule and rulesOf() index into this.
    const std::vector<DiffRule>& rules() const { return m_rules.rules(); }
    std::span<const uint16_t> rulesOf(const Change& change) const { return m_ruleSets[change.ruleSet]; }
    // Per rule: how many expected changes it helped explain (a change may need several rules).
    const std::vector<uint64_t>& ruleCounts() const { return m_ruleCounts; }

    // The registry-level comparison of a changed hive (see HiveComparison), or null.
    const HiveComparison* hive(const Change& change) const;
    // How many changes carry one.
    size_t hiveCount() const { return m_hives.size(); }

    std::string path(const Change& change) const;
    const index::TreeIndex::Record* record(const Change& change, Side side) const;
    // The value of a field on one side as people read it ("sha256:…", "0x20 (ARCHIVE)", an RFC 3339 time);
    // "(absent)" when the entry is not on that side and "(none)" when the field is not set.
    std::string value(const Change& change, Field field, Side side) const;

private:
    friend class TreeDiff;

    DiffSide m_a;
    DiffSide m_b;
    DiffRules m_rules;
    std::vector<Change> m_changes;
    DiffSummary m_summary;
    std::vector<std::vector<uint16_t>> m_ruleSets {{}};
    std::vector<uint64_t> m_ruleCounts;
    std::map<size_t, std::shared_ptr<const HiveComparison>> m_hives; // by index into m_changes
    std::unique_ptr<HardlinkGroups> m_groupsA;
    std::unique_ptr<HardlinkGroups> m_groupsB;
    std::vector<std::string> m_scope;
    std::string m_subtree;
    FieldSet m_compared = FieldSet::all();
    int m_orderRule = -1;
    bool m_fold = false;
    bool m_orderCompared = false;
    bool m_orderDiffers = false;
};

} // namespace layerscope::diff
