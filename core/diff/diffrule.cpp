// SPDX-License-Identifier: Apache-2.0
#include "diff/diffrule.h"

namespace layerscope::diff {

DiffRule::DiffRule(std::string name, std::string description, std::vector<std::string> globs, FieldSet fields,
                   KindSet kinds, Condition condition)
    : m_name(std::move(name))
    , m_description(std::move(description))
    , m_fields(fields)
    , m_kinds(kinds)
    , m_condition(std::move(condition))
{
    for (auto& g : globs)
        m_globs.emplace_back(std::move(g));
}

DiffRule DiffRule::orderRule(std::string name, std::string description)
{
    DiffRule rule(std::move(name), std::move(description), {}, {}, {});
    rule.m_order = true;
    return rule;
}

bool DiffRule::matchesPath(const ChangeContext& change) const
{
    for (const auto& g : m_globs)
        if (g.matches(change.matchPath, change.folded))
            return true;
    return false;
}

FieldSet DiffRule::covers(const ChangeContext& change, FieldSet fields) const
{
    FieldSet out;
    if (m_order || !m_kinds.contains(ChangeKind::Changed))
        return out;
    const FieldSet candidates = fields & m_fields;
    if (candidates.empty() || !matchesPath(change))
        return out;
    for (Field f : candidates.list())
        if (!m_condition || m_condition(change, f))
            out.insert(f);
    return out;
}

bool DiffRule::coversEntry(const ChangeContext& change) const
{
    if (m_order || !m_kinds.contains(change.kind) || !matchesPath(change))
        return false;
    return !m_condition || m_condition(change, Field::Count);
}

} // namespace layerscope::diff
