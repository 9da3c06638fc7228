// SPDX-License-Identifier: Apache-2.0
#include "diff/rulesfile.h"

#include "common/error.h"
#include "io/platformfile.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace layerscope::diff {

using nlohmann::json;

std::string readRulesFile(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(Error::Where {io::pathToUtf8(path), {}, {}, {}}, "cannot open rules file");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

json parseRuleList(std::string_view text, const std::string& origin)
{
    const Error::Where where {origin, {}, {}, {}};
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::exception& e) {
        throw Error(where, std::string("not valid JSON: ") + e.what());
    }
    if (doc.is_object()) {
        if (doc.size() != 1 || !doc.contains("rules"))
            throw Error(where, "expected an array of rules or {\"rules\": [...]}");
        doc = json(std::move(doc["rules"]));
    }
    if (!doc.is_array())
        throw Error(where, "expected an array of rules");
    return doc;
}

bool isValidRuleName(const std::string& name)
{
    if (name.empty() || name.size() > 100)
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
            || c == '-';
    });
}

} // namespace layerscope::diff
