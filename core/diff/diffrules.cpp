// SPDX-License-Identifier: Apache-2.0
#include "diff/diffrules.h"

#include "common/error.h"
#include "diff/rulesfile.h"
#include "io/platformfile.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace layerscope::diff {

using nlohmann::json;

void DiffRules::add(DiffRule rule)
{
    if (find(rule.name()))
        throw Error("rule \"" + rule.name() + "\" is defined twice");
    m_rules.push_back(std::move(rule));
}

bool DiffRules::remove(std::string_view name)
{
    auto it = std::find_if(m_rules.begin(), m_rules.end(), [&](const DiffRule& r) { return r.name() == name; });
    if (it == m_rules.end())
        return false;
    m_rules.erase(it);
    return true;
}

const DiffRule* DiffRules::find(std::string_view name) const
{
    for (const auto& r : m_rules)
        if (r.name() == name)
            return &r;
    return nullptr;
}

void DiffRules::loadFile(const std::filesystem::path& path)
{
    loadJson(diff::readRulesFile(path), io::pathToUtf8(path));
}

namespace {

std::vector<std::string> stringList(const json& value, const std::string& what)
{
    std::vector<std::string> out;
    if (value.is_string()) {
        out.push_back(value.get<std::string>());
        return out;
    }
    if (!value.is_array() || value.empty())
        throw Error("\"" + what + "\" must be a string or a non-empty array of strings");
    for (const auto& v : value) {
        if (!v.is_string())
            throw Error("\"" + what + "\" must hold strings only");
        out.push_back(v.get<std::string>());
    }
    return out;
}

DiffRule parseRule(const json& r)
{
    if (!r.is_object())
        throw Error("a rule must be a JSON object");
    for (const auto& [key, value] : r.items())
        if (key != "name" && key != "glob" && key != "globs" && key != "fields" && key != "kinds" && key != "reason")
            throw Error("unknown key \"" + key + "\" (expected name, glob, fields, kinds, reason)");
    if (!r.contains("name") || !r["name"].is_string() || !diff::isValidRuleName(r["name"].get<std::string>()))
        throw Error("\"name\" must be a string of letters, digits, '.', '_' or '-'");
    const std::string name = r["name"].get<std::string>();
    try {
        if (r.contains("glob") == r.contains("globs"))
            throw Error("give exactly one of \"glob\" and \"globs\"");
        std::vector<std::string> globs = stringList(r.contains("glob") ? r["glob"] : r["globs"], "glob");
        for (const auto& g : globs)
            if (g.empty())
                throw Error("empty glob");
        FieldSet fields = FieldSet::all();
        if (r.contains("fields")) {
            fields = {};
            for (const auto& f : stringList(r["fields"], "fields")) {
                if (f == "*") {
                    fields = FieldSet::all();
                    continue;
                }
                const auto field = fieldFromName(f);
                if (!field)
                    throw Error("unknown field \"" + f + "\"");
                fields.insert(*field);
            }
        }
        KindSet kinds = KindSet::all();
        if (r.contains("kinds")) {
            kinds = {};
            for (const auto& k : stringList(r["kinds"], "kinds")) {
                const auto kind = changeKindFromName(k);
                if (!kind)
                    throw Error("unknown kind \"" + k + "\" (expected added, removed or changed)");
                kinds.insert(*kind);
            }
        }
        if (!r.contains("reason") || !r["reason"].is_string() || r["reason"].get<std::string>().empty())
            throw Error("\"reason\" must be a non-empty string saying why the difference is expected");
        return DiffRule(name, r["reason"].get<std::string>(), std::move(globs), fields, kinds);
    } catch (const Error& e) {
        throw Error("rule \"" + name + "\": " + e.message());
    }
}

} // namespace

void DiffRules::loadJson(std::string_view text, const std::string& origin)
{
    const Error::Where where {origin, {}, {}, {}};
    const json rules = diff::parseRuleList(text, origin);
    const json* list = &rules;
    std::vector<DiffRule> parsed;
    for (size_t i = 0; i < list->size(); ++i) {
        try {
            DiffRule rule = parseRule((*list)[i]);
            rule.setOrigin(origin);
            parsed.push_back(std::move(rule));
        } catch (const Error& e) {
            throw Error(where, "rule " + std::to_string(i + 1) + ": " + e.message());
        }
    }
    // All or nothing: a file with one bad rule adds none.
    for (size_t i = 0; i < parsed.size(); ++i) {
        const bool repeated = std::any_of(parsed.begin(), parsed.begin() + std::ptrdiff_t(i),
                                          [&](const DiffRule& r) { return r.name() == parsed[i].name(); });
        if (repeated || find(parsed[i].name()))
            throw Error(where, "rule \"" + parsed[i].name() + "\" is already defined (pick another name)");
    }
    for (auto& rule : parsed)
        m_rules.push_back(std::move(rule));
}

} // namespace layerscope::diff
