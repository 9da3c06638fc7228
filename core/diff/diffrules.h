// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "diff/diffrule.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope::diff {

// The ordered set of rules a comparison classifies changes with. Built-in rules come first, user rules after;
// when several rules explain the same field the first one in this order is credited.
//
// User rules file (`--rules FILE`): JSON, either an array of rules or {"rules": [...]}. Each rule:
//   {
//     "name":   "temp-files",                 required; letters, digits, '.', '_' and '-'; unique
//     "glob":   "Files/Windows/Temp/**",      required (or "globs": [..]); see PathGlob; case-insensitive on
//                                             Windows trees
//     "fields": ["content", "modified"],      optional, default every field; "*" = every field
//     "kinds":  ["changed"],                  optional, default ["added", "removed", "changed"]
//     "reason": "scratch output of setup"     required; shown in reports next to the rule's name
//   }
// Field names: content size type attributes sddl created modified accessed changed mode linkTarget xattrs streams
// hardlinkGroup. A changed entry is expected only when every differing field is covered; an added or removed
// entry is expected when a rule with that kind matches its path. Unknown keys are errors, so that a typo never
// silently hides (or fails to hide) a change.
class DiffRules
{
public:
    // The round-trip noise of wcow-layer-format §6 (see builtinrules.cpp for each rule's reasoning).
    static DiffRules builtin();
    // No rules at all (--strict): every difference is unexpected.
    static DiffRules none() { return DiffRules(); }

    // Throws layerscope::Error when a rule of that name exists.
    void add(DiffRule rule);
    // Returns false when no rule has that name.
    bool remove(std::string_view name);
    // Parses a rules file; throws layerscope::Error naming the file, the rule and what is wrong.
    void loadFile(const std::filesystem::path& path);
    void loadJson(std::string_view text, const std::string& origin);

    const std::vector<DiffRule>& rules() const { return m_rules; }
    const DiffRule* find(std::string_view name) const;

private:
    std::vector<DiffRule> m_rules;
};

} // namespace layerscope::diff
