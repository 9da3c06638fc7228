// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "diff/field.h"
#include "index/treeindex.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace layerscope::diff {

enum class ChangeKind : uint8_t { Added, Removed, Changed };

// "added", "removed", "changed" as in the JSON contract.
const char* changeKindName(ChangeKind kind);
std::optional<ChangeKind> changeKindFromName(std::string_view name);

// A set of change kinds, for rules that apply to some kinds only.
struct KindSet
{
    uint8_t bits = 0;

    static constexpr KindSet all() { return {7}; }
    constexpr void insert(ChangeKind kind) { bits |= uint8_t(1u << unsigned(kind)); }
    constexpr bool contains(ChangeKind kind) const { return bits & (1u << unsigned(kind)); }
    constexpr bool operator==(const KindSet&) const = default;
};

// One difference between the two trees, kept compact (a round trip can touch every entry): the nodes on each
// side, never copies of paths or records. Reports expand it through DiffResult.
struct Change
{
    static constexpr uint16_t NoRule = UINT16_MAX;

    index::NodeId a = index::InvalidNode; // node in tree A (InvalidNode when added)
    index::NodeId b = index::InvalidNode; // node in tree B (InvalidNode when removed)
    FieldSet fields; // for Changed: every field that differs; empty for Added/Removed
    FieldSet explained; // the part of `fields` rules explain (all of it when expected)
    ChangeKind kind = ChangeKind::Changed;
    bool expected = false;
    uint16_t rule = NoRule; // the rule that explains most of it (index into DiffResult::rules())
    uint32_t ruleSet = 0; // every rule that explains part of it (index into DiffResult::ruleSets())
};

} // namespace layerscope::diff
