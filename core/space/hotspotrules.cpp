// SPDX-License-Identifier: Apache-2.0
#include "space/hotspotrules.h"

#include "common/error.h"
#include "diff/rulesfile.h"
#include "io/platformfile.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace layerscope::space {

using nlohmann::json;

bool HotSpotRule::matches(std::string_view path, bool folded) const
{
    return std::any_of(globs.begin(), globs.end(), [&](const diff::PathGlob& g) { return g.matches(path, folded); });
}

HotSpotRules HotSpotRules::builtin()
{
    HotSpotRules rules;
    rules.loadJson(builtinJson(), "built-in");
    return rules;
}

void HotSpotRules::loadFile(const std::filesystem::path& path)
{
    loadJson(diff::readRulesFile(path), io::pathToUtf8(path));
}

namespace {

HotSpotRule parseRule(const json& r)
{
    if (!r.is_object())
        throw Error("a rule must be a JSON object");
    for (const auto& [key, value] : r.items())
        if (key != "name" && key != "glob" && key != "globs" && key != "reason")
            throw Error("unknown key \"" + key + "\" (expected name, glob or globs, reason)");
    if (!r.contains("name") || !r["name"].is_string() || !diff::isValidRuleName(r["name"].get<std::string>()))
        throw Error("\"name\" must be a string of letters, digits, '.', '_' or '-'");
    HotSpotRule rule;
    rule.name = r["name"].get<std::string>();
    if (r.contains("glob") == r.contains("globs"))
        throw Error("rule \"" + rule.name + "\" needs exactly one of \"glob\" and \"globs\"");
    const json& globs = r.contains("glob") ? r["glob"] : r["globs"];
    std::vector<std::string> patterns;
    if (globs.is_string())
        patterns.push_back(globs.get<std::string>());
    else if (globs.is_array() && !globs.empty()
             && std::all_of(globs.begin(), globs.end(), [](const json& g) { return g.is_string(); }))
        for (const auto& g : globs)
            patterns.push_back(g.get<std::string>());
    else
        throw Error("rule \"" + rule.name + "\": \"glob\" must be a string, \"globs\" a non-empty array of strings");
    for (auto& p : patterns) {
        if (p.empty())
            throw Error("rule \"" + rule.name + "\": an empty glob matches nothing");
        rule.globs.emplace_back(std::move(p));
    }
    if (r.contains("reason")) {
        if (!r["reason"].is_string())
            throw Error("rule \"" + rule.name + "\": \"reason\" must be a string");
        rule.reason = r["reason"].get<std::string>();
    }
    return rule;
}

} // namespace

void HotSpotRules::loadJson(std::string_view text, const std::string& origin)
{
    const Error::Where where {origin, {}, {}, {}};
    const json rules = diff::parseRuleList(text, origin);
    const json* list = &rules;
    std::vector<HotSpotRule> parsed;
    for (size_t i = 0; i < list->size(); ++i) {
        try {
            HotSpotRule rule = parseRule((*list)[i]);
            rule.origin = origin;
            parsed.push_back(std::move(rule));
        } catch (const Error& e) {
            throw Error(where, "rule " + std::to_string(i + 1) + ": " + e.message());
        }
    }
    for (size_t i = 0; i < parsed.size(); ++i) {
        const auto same = [&](const HotSpotRule& r) { return r.name == parsed[i].name; };
        if (std::any_of(parsed.begin(), parsed.begin() + std::ptrdiff_t(i), same)
            || std::any_of(m_rules.begin(), m_rules.end(), same))
            throw Error(where, "rule \"" + parsed[i].name + "\" is already defined (pick another name)");
    }
    for (auto& rule : parsed)
        m_rules.push_back(std::move(rule));
}

} // namespace layerscope::space
