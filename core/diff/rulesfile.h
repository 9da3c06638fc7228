// SPDX-License-Identifier: Apache-2.0
#pragma once
// The JSON rule files shared by diff rules and space's hot-spot rules: the same outer shape (an array of rule
// objects, or {"rules": [...]}), the same name alphabet and the same errors, so one reader serves both.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace layerscope::diff {

// The whole text of a rules file; an Error naming the file when it cannot be opened.
std::string readRulesFile(const std::filesystem::path& path);

// The list of rule objects in `text` (not yet checked one by one). Every nlohmann exception — parse_error, and
// out_of_range for a number beyond a double — becomes an Error naming `origin`.
nlohmann::json parseRuleList(std::string_view text, const std::string& origin);

// 1 to 100 of the letters, digits, '.', '_' and '-'.
bool isValidRuleName(const std::string& name);

} // namespace layerscope::diff
