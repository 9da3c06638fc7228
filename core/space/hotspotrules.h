// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "diff/pathglob.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope::space {

// A named set of globs over layer paths that marks a known kind of waste ("WinSxS\Backup", "*.log", ...).
struct HotSpotRule
{
    std::string name;
    std::vector<diff::PathGlob> globs; // anchored, as diff rules use them (PathGlob's constructor)
    std::string reason;
    std::string origin; // "built-in" or the rules file it came from

    // `foldedPath` went through wcow::foldCase when `folded` (Windows trees compare case-insensitively).
    bool matches(std::string_view path, bool folded) const;
};

// The ordered hot-spot rules `space` measures. The defaults are a rules file compiled in (builtinhotspots.cpp, which
// `layerscope-cli space --print-rules` prints so users can start from it); `--rules FILE` adds more after them.
//
// Rules file: JSON, an array of rules or {"rules": [...]}; each rule
//   {"name": "npm-cache", "glob": "Files/Users/*/AppData/Local/npm-cache/**" (or "globs": [...]), "reason": "..."}
// with the glob syntax of diff rules (diff/pathglob.h). Names are letters, digits, '.', '_' and '-' and unique;
// unknown keys are errors, as in diff rules files, so a typo never silently measures nothing.
class HotSpotRules
{
public:
    static HotSpotRules builtin();
    static HotSpotRules none() { return HotSpotRules(); }
    // The built-in rules as the JSON text of a rules file.
    static std::string_view builtinJson();

    // Parse errors throw layerscope::Error naming the file and the rule; a file with one bad rule adds none.
    void loadFile(const std::filesystem::path& path);
    void loadJson(std::string_view text, const std::string& origin);

    const std::vector<HotSpotRule>& rules() const { return m_rules; }

private:
    std::vector<HotSpotRule> m_rules;
};

} // namespace layerscope::space
