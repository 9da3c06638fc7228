// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "diff/diffresult.h"
#include "diff/diffrules.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <ostream>

namespace layerscope::report {

// Reports of a diff::DiffResult. Everything streams to an ostream, one change at a time, since a round trip can
// touch every entry of a large layer.

// `diff --json`, the contract of issue 5:
//   {"a": label, "b": label, "summary": {identical, added, removed, changed, expected, unexpected},
//    "orderDiffers": bool, "changes": [{path, kind, fields, expected, rule, a, b}]}
// with entries in the `inspect --entries` shape (entryToJson) or null. Additional keys, which consumers of the
// contract may ignore: "aDigest"/"bDigest", "verdict" ("identical" | "expected" | "unexpected"), "orderRule" (the
// rule that explains an order difference, or null), "rules" (the rules in effect with their counts), and per
// change "rules" (every rule explaining part of it) and, for unexpected changes, "unexpectedFields".
void writeDiffJson(const diff::DiffResult& result, std::ostream& out);
// One element of "changes".
nlohmann::json changeToJson(const diff::DiffResult& result, const diff::Change& change);

struct DiffTextOptions
{
    bool listExpected = false; // also list expected changes one by one (default: counts per rule)
};
// The readable form: a summary line, what was compared, unexpected changes grouped by kind with each field
// old → new, then expected changes counted per rule.
void writeDiffText(const diff::DiffResult& result, std::ostream& out, const DiffTextOptions& options = {});

struct DiffDocumentOptions
{
    size_t maxExpectedRows = 1000; // expected changes listed one by one, at most (the rest are counted)
};
// Self-contained documents for people who were not there: what was compared, digests, the verdict, the tables.
// HTML has inline CSS only: no script, no external resources. Every piece of input text is escaped.
void writeDiffMarkdown(const diff::DiffResult& result, std::ostream& out, const DiffDocumentOptions& options = {});
void writeDiffHtml(const diff::DiffResult& result, std::ostream& out, const DiffDocumentOptions& options = {});

// `diff --list-rules`.
nlohmann::json rulesToJson(const diff::DiffRules& rules);
std::string rulesToText(const diff::DiffRules& rules);

} // namespace layerscope::report
