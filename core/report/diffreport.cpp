// SPDX-License-Identifier: Apache-2.0
#include "report/diffreport.h"

#include "report/entryjson.h"

#include <cstdint>
#include <sstream>

namespace layerscope::report {

using diff::Change;
using diff::ChangeKind;
using diff::DiffResult;
using diff::Field;
using nlohmann::json;
using Side = DiffResult::Side;

namespace {

constexpr auto kReplace = json::error_handler_t::replace;

std::string dumpJson(const json& j, int indent = -1)
{
    // Tar names are byte strings: invalid UTF-8 is replaced rather than failing the whole report.
    return j.dump(indent, ' ', false, kReplace);
}

// Replaces invalid UTF-8 with U+FFFD and control characters with visible escapes, so that Markdown and HTML
// stay well-formed whatever bytes a tar name holds.
std::string cleanText(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const auto c = uint8_t(s[i]);
        if (c < 0x20 || c == 0x7F) {
            static const char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
            ++i;
            continue;
        }
        if (c < 0x80) {
            out += char(c);
            ++i;
            continue;
        }
        size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        bool ok = len != 0 && i + len <= s.size() && c >= 0xC2 && c <= 0xF4;
        for (size_t k = 1; ok && k < len; ++k)
            ok = (uint8_t(s[i + k]) & 0xC0) == 0x80;
        if (ok) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

std::string html(std::string_view s)
{
    std::string out;
    for (char c : cleanText(s)) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

// CommonMark: a backslash escapes any ASCII punctuation. Escaping these keeps names literal, inside table cells too.
std::string md(std::string_view s)
{
    std::string out;
    for (char c : cleanText(s)) {
        if (std::string_view("\\`*_{}[]<>()#+!|~&$").find(c) != std::string_view::npos)
            out += '\\';
        out += c;
    }
    return out;
}

const char* verdictName(const DiffResult& r)
{
    if (r.hasUnexpected())
        return "unexpected";
    return r.identical() ? "identical" : "expected";
}

std::string ruleName(const DiffResult& r, uint16_t index)
{
    return index == Change::NoRule ? std::string() : r.rules()[index].name();
}

std::string fieldList(diff::FieldSet fields)
{
    std::string out;
    for (Field f : fields.list()) {
        if (!out.empty())
            out += ", ";
        out += diff::fieldName(f);
    }
    return out;
}

std::string kindList(diff::KindSet kinds)
{
    std::string out;
    for (ChangeKind k : {ChangeKind::Added, ChangeKind::Removed, ChangeKind::Changed}) {
        if (!kinds.contains(k))
            continue;
        if (!out.empty())
            out += ", ";
        out += diff::changeKindName(k);
    }
    return out;
}

std::string globList(const diff::DiffRule& rule)
{
    std::string out;
    for (const auto& g : rule.globs()) {
        if (!out.empty())
            out += ", ";
        out += g.pattern();
    }
    return out;
}

// "paths ...; fields ...; kinds ..." for --list-rules and the reports' rule tables.
// How many changes rule i explained, for the reports' rule tables; the order rule explains the order, if anything.
std::string ruleCount(const diff::DiffResult& r, size_t i)
{
    const auto& rule = r.rules()[i];
    if (rule.coversOrder())
        return r.orderRule() == &rule ? "order" : "0";
    return std::to_string(r.ruleCounts()[i]);
}

std::string coverage(const diff::DiffRule& rule)
{
    if (rule.coversOrder())
        return "entry order (summary flag)";
    std::string out = "paths " + globList(rule) + "; ";
    out += rule.fields() == diff::FieldSet::all() ? std::string("every field") : "fields " + fieldList(rule.fields());
    out += "; kinds " + kindList(rule.kinds());
    if (rule.conditional())
        out += "; only when its condition holds";
    return out;
}

std::string rulesOfChange(const DiffResult& r, const Change& c)
{
    std::string out;
    for (uint16_t i : r.rulesOf(c)) {
        if (!out.empty())
            out += ", ";
        out += r.rules()[i].name();
    }
    return out;
}

// "(file, 20 bytes)" for added and removed entries.
std::string entryBrief(const DiffResult& r, const Change& c)
{
    const Side side = c.kind == ChangeKind::Added ? Side::B : Side::A;
    const auto* rec = r.record(c, side);
    if (!rec)
        return {};
    std::string out = wcow::entryTypeName(rec->type);
    if (rec->type == wcow::EntryType::File || rec->type == wcow::EntryType::Stream)
        out += ", " + std::to_string(rec->size) + " bytes";
    const auto target = r.side(side).tree->linkTarget(*rec);
    if (!target.empty())
        out += " → " + std::string(target);
    return out;
}

std::string plural(uint64_t n, const char* one, const char* many)
{
    return std::to_string(n) + ' ' + (n == 1 ? one : many);
}

std::string summaryLine(const DiffResult& r)
{
    const auto& s = r.summary();
    std::string counts = std::to_string(s.added) + " added, " + std::to_string(s.removed) + " removed, "
        + std::to_string(s.changed) + " changed, " + std::to_string(s.identical) + " identical";
    std::string order;
    if (r.orderDiffers())
        order = r.orderRule() ? "; entry order differs (expected: " + r.orderRule()->name() + ")"
                              : std::string("; entry order differs (unexpected)");
    if (r.identical())
        return "identical: no differences (" + std::to_string(s.identical) + " entries compared)";
    if (!r.hasUnexpected())
        return "no unexpected differences: " + plural(s.expected, "expected change", "expected changes") + " (" + counts
            + ")" + order;
    return "UNEXPECTED differences: " + std::to_string(s.unexpected) + " unexpected, " + std::to_string(s.expected)
        + " expected (" + counts + ")" + order;
}

std::string sideLine(const DiffResult& r, Side side)
{
    const auto& d = r.side(side);
    std::string out = cleanText(d.label) + "  [" + diff::sideKindName(d.kind);
    if (!d.digest.empty())
        out += ", " + d.digest;
    out += ", " + std::to_string(d.tree->recordCount()) + " entries]";
    return out;
}

std::string howCompared(const DiffResult& r)
{
    std::string out
        = r.caseInsensitive() ? "names matched case-insensitively (Windows trees)" : "names matched case-sensitively";
    if (!(r.comparedFields() == diff::FieldSet::all()))
        out += "; a folder side carries only " + fieldList(r.comparedFields()) + ", so only those are compared";
    if (!r.scope().empty()) {
        std::string names;
        for (const auto& s : r.scope())
            names += (names.empty() ? "" : ", ") + s + "/";
        out += "; only " + names + " compared (what the folder holds)";
    }
    if (!r.subtree().empty())
        out += "; only " + r.subtree() + " and what is below it compared";
    if (!r.orderCompared())
        out += "; entry order not compared (a side has no tar order)";
    return cleanText(out);
}

std::string rulesInEffect(const DiffResult& r)
{
    if (r.rules().empty())
        return "none (strict: every difference is unexpected)";
    std::string out;
    for (const auto& rule : r.rules())
        out += (out.empty() ? "" : ", ") + rule.name();
    return out;
}

// ---- registry hives (issue 13) ----

constexpr size_t kMaxHiveRows = 200; // registry changes listed per hive in text and documents

std::string hiveVerdict(const diff::HiveComparison& h)
{
    using V = layerscope::hive::HiveDiff::Verdict;
    if (!h.diff)
        return "not compared as a registry: " + h.problem;
    const auto& d = *h.diff;
    switch (d.verdict()) {
    case V::Identical:
        return "registry identical";
    case V::EqualExceptNoise:
        return "registry equal: rewritten, only time stamps and sequence numbers differ ("
            + std::to_string(d.timestampOnly().size()) + " key times)";
    case V::Different:
        break;
    }
    using K = layerscope::hive::HiveDiff::Kind;
    std::string out = "registry differs: " + std::to_string(d.changes().size()) + " change(s)";
    std::string parts;
    for (auto [kind, name] : {std::pair {K::KeyAdded, "keys added"},
                              {K::KeyRemoved, "keys removed"},
                              {K::KeyChanged, "keys changed"},
                              {K::ValueAdded, "values added"},
                              {K::ValueRemoved, "values removed"},
                              {K::ValueChanged, "values changed"}})
        if (d.count(kind))
            parts += (parts.empty() ? "" : ", ") + std::to_string(d.count(kind)) + " " + name;
    for (const auto& hc : d.header())
        if (!hc.noise)
            parts += (parts.empty() ? "" : ", ") + hc.field + " " + hc.a + " → " + hc.b;
    return parts.empty() ? out : out + " (" + parts + ")";
}

const char* hiveMark(layerscope::hive::HiveDiff::Kind kind)
{
    using K = layerscope::hive::HiveDiff::Kind;
    return kind == K::KeyAdded || kind == K::ValueAdded    ? "+"
        : kind == K::KeyRemoved || kind == K::ValueRemoved ? "-"
                                                           : "~";
}

} // namespace

// ---- JSON -----------------------------------------------------------------------------------------------------

json changeToJson(const DiffResult& r, const Change& c)
{
    json j = json::object();
    j["path"] = r.path(c);
    j["kind"] = diff::changeKindName(c.kind);
    json fields = json::array();
    for (Field f : c.fields.list())
        fields.push_back(diff::fieldName(f));
    j["fields"] = std::move(fields);
    j["expected"] = c.expected;
    j["rule"] = c.expected && c.rule != Change::NoRule ? json(ruleName(r, c.rule)) : json(nullptr);
    const auto* a = r.record(c, Side::A);
    const auto* b = r.record(c, Side::B);
    j["a"] = a ? entryToJson(*r.a().tree, *a) : json(nullptr);
    j["b"] = b ? entryToJson(*r.b().tree, *b) : json(nullptr);
    json rules = json::array();
    for (uint16_t i : r.rulesOf(c))
        rules.push_back(r.rules()[i].name());
    j["rules"] = std::move(rules);
    if (!c.expected && c.kind == ChangeKind::Changed) {
        json unexplained = json::array();
        for (Field f : c.fields.without(c.explained).list())
            unexplained.push_back(diff::fieldName(f));
        j["unexpectedFields"] = std::move(unexplained);
    }
    if (const diff::HiveComparison* h = r.hive(c)) {
        // The registry-level comparison of a changed hive; key times are counted, the first 100 listed.
        j["hive"] = h->diff ? h->diff->toJson(100) : json {{"verdict", "not-compared"}, {"problem", h->problem}};
    }
    return j;
}

void writeDiffJson(const DiffResult& r, std::ostream& out)
{
    const auto& s = r.summary();
    out << "{\n";
    out << "  \"a\": " << dumpJson(r.a().label) << ",\n";
    out << "  \"b\": " << dumpJson(r.b().label) << ",\n";
    out << "  \"aDigest\": " << (r.a().digest.empty() ? "null" : dumpJson(r.a().digest)) << ",\n";
    out << "  \"bDigest\": " << (r.b().digest.empty() ? "null" : dumpJson(r.b().digest)) << ",\n";
    out << "  \"verdict\": " << dumpJson(verdictName(r)) << ",\n";
    out << "  \"summary\": "
        << dumpJson(json {{"identical", s.identical},
                          {"added", s.added},
                          {"removed", s.removed},
                          {"changed", s.changed},
                          {"expected", s.expected},
                          {"unexpected", s.unexpected}})
        << ",\n";
    out << "  \"orderDiffers\": " << (r.orderDiffers() ? "true" : "false") << ",\n";
    out << "  \"orderRule\": " << (r.orderRule() ? dumpJson(r.orderRule()->name()) : "null") << ",\n";
    json rules = json::array();
    for (size_t i = 0; i < r.rules().size(); ++i) {
        const auto& rule = r.rules()[i];
        rules.push_back({{"name", rule.name()},
                         {"origin", rule.origin()},
                         {"description", rule.description()},
                         {"expected", r.ruleCounts()[i]}});
    }
    out << "  \"rules\": " << dumpJson(rules) << ",\n";
    out << "  \"changes\": [";
    bool first = true;
    for (const Change& c : r.changes()) {
        out << (first ? "\n    " : ",\n    ") << dumpJson(changeToJson(r, c));
        first = false;
    }
    out << (first ? "]\n" : "\n  ]\n") << "}\n";
}

// ---- text -----------------------------------------------------------------------------------------------------

void writeDiffText(const DiffResult& r, std::ostream& out, const DiffTextOptions& options)
{
    out << summaryLine(r) << '\n';
    out << "A: " << sideLine(r, Side::A) << '\n';
    out << "B: " << sideLine(r, Side::B) << '\n';
    out << "Compared: " << howCompared(r) << '\n';
    out << "Rules: " << rulesInEffect(r) << '\n';

    if (r.summary().unexpected > 0 || (r.orderDiffers() && !r.orderRule())) {
        out << "\nUnexpected changes (" << r.summary().unexpected << "):\n";
        for (ChangeKind kind : {ChangeKind::Added, ChangeKind::Removed, ChangeKind::Changed}) {
            uint64_t count = 0;
            for (const Change& c : r.changes())
                count += !c.expected && c.kind == kind;
            if (count == 0)
                continue;
            out << "  " << diff::changeKindName(kind) << " (" << count << "):\n";
            for (const Change& c : r.changes()) {
                if (c.expected || c.kind != kind)
                    continue;
                const std::string path = cleanText(r.path(c));
                if (kind != ChangeKind::Changed) {
                    out << "    " << (kind == ChangeKind::Added ? "+ " : "- ") << path << "  ("
                        << cleanText(entryBrief(r, c)) << ")\n";
                    continue;
                }
                out << "    ~ " << path << '\n';
                for (Field f : c.fields.list()) {
                    out << "        " << diff::fieldName(f) << ": " << cleanText(r.value(c, f, Side::A)) << " → "
                        << cleanText(r.value(c, f, Side::B));
                    if (c.explained.contains(f))
                        out << "  (expected)";
                    out << '\n';
                }
                if (const diff::HiveComparison* h = r.hive(c)) {
                    out << "        " << cleanText(hiveVerdict(*h)) << '\n';
                    if (h->diff) {
                        size_t rows = 0;
                        for (const auto& hc : h->diff->changes()) {
                            if (rows++ == kMaxHiveRows) {
                                out << "          … " << (h->diff->changes().size() - kMaxHiveRows)
                                    << " more (layerscope-cli hive diff lists them all)\n";
                                break;
                            }
                            const std::string ta = h->diff->sideText(hc, false), tb = h->diff->sideText(hc, true);
                            out << "          " << hiveMark(hc.kind) << " " << cleanText(h->diff->where(hc)) << ": "
                                << cleanText(ta.empty() ? "(absent)" : ta) << " → "
                                << cleanText(tb.empty() ? "(absent)" : tb) << '\n';
                        }
                    }
                }
            }
        }
        if (r.orderDiffers() && !r.orderRule())
            out << "  entry order differs between A and B (no rule explains it)\n";
    }

    if (r.summary().expected > 0 || (r.orderDiffers() && r.orderRule())) {
        out << "\nExpected changes (" << r.summary().expected
            << "), counted per rule (a change can need several rules):\n";
        size_t width = 0;
        for (const auto& rule : r.rules())
            width = std::max(width, rule.name().size());
        for (size_t i = 0; i < r.rules().size(); ++i) {
            const auto& rule = r.rules()[i];
            if (rule.coversOrder()) {
                if (r.orderDiffers() && r.orderRule() == &rule)
                    out << "  " << rule.name() << std::string(width - rule.name().size() + 2, ' ') << "entry order\n";
                continue;
            }
            if (r.ruleCounts()[i] == 0)
                continue;
            out << "  " << rule.name() << std::string(width - rule.name().size() + 2, ' ') << r.ruleCounts()[i] << '\n';
        }
        if (options.listExpected) {
            out << "\nExpected changes:\n";
            for (const Change& c : r.changes()) {
                if (!c.expected)
                    continue;
                out << "  "
                    << (c.kind == ChangeKind::Added         ? "+ "
                            : c.kind == ChangeKind::Removed ? "- "
                                                            : "~ ")
                    << cleanText(r.path(c));
                if (c.kind == ChangeKind::Changed)
                    out << "  [" << fieldList(c.fields) << "]";
                out << "  (" << rulesOfChange(r, c) << ")\n";
            }
        }
    }
}

// ---- Markdown -------------------------------------------------------------------------------------------------

void writeDiffMarkdown(const DiffResult& r, std::ostream& out, const DiffDocumentOptions& options)
{
    const auto& s = r.summary();
    out << "# LayerScope diff report\n\n";
    out << "**Verdict: ";
    if (r.hasUnexpected())
        out << "unexpected differences** — " << s.unexpected << " change(s) not explained by any rule"
            << (r.orderDiffers() && !r.orderRule() ? ", and the entry order differs" : "") << " (exit status 1).\n\n";
    else if (r.identical())
        out << "identical** — no differences (exit status 0).\n\n";
    else
        out << "no unexpected differences** — every difference is explained by a rule (exit status 0).\n\n";
    out << md(summaryLine(r)) << "\n\n";

    out << "## What was compared\n\n";
    out << "| Side | Source | Kind | Digest | Entries |\n|---|---|---|---|---:|\n";
    for (Side side : {Side::A, Side::B}) {
        const auto& d = r.side(side);
        out << "| " << (side == Side::A ? "A" : "B") << " | " << md(d.label) << " | " << diff::sideKindName(d.kind)
            << " | " << (d.digest.empty() ? "—" : md(d.digest)) << " | " << d.tree->recordCount() << " |\n";
    }
    out << "\n" << md(howCompared(r)) << ".\n\nRules in effect: " << md(rulesInEffect(r)) << ".\n\n";

    out << "## Summary\n\n| Identical | Added | Removed | Changed | Expected | Unexpected | Entry order |\n"
        << "|---:|---:|---:|---:|---:|---:|---|\n";
    out << "| " << s.identical << " | " << s.added << " | " << s.removed << " | " << s.changed << " | " << s.expected
        << " | " << s.unexpected << " | "
        << (!r.orderCompared()      ? "not compared"
                : !r.orderDiffers() ? "same"
                : r.orderRule()     ? "differs (expected: " + md(r.orderRule()->name()) + ")"
                                    : std::string("differs (unexpected)"))
        << " |\n\n";

    out << "## Unexpected changes\n\n";
    if (s.unexpected == 0) {
        out << "None.\n\n";
    } else {
        out << "| Kind | Path | Field | A | B |\n|---|---|---|---|---|\n";
        for (const Change& c : r.changes()) {
            if (c.expected)
                continue;
            if (c.kind != ChangeKind::Changed) {
                const bool added = c.kind == ChangeKind::Added;
                out << "| " << diff::changeKindName(c.kind) << " | " << md(r.path(c)) << " | | "
                    << (added ? "—" : md(entryBrief(r, c))) << " | " << (added ? md(entryBrief(r, c)) : "—") << " |\n";
                continue;
            }
            bool first = true;
            for (Field f : c.fields.list()) {
                out << "| " << (first ? "changed" : "") << " | " << (first ? md(r.path(c)) : "") << " | "
                    << diff::fieldName(f) << (c.explained.contains(f) ? " (expected)" : "") << " | "
                    << md(r.value(c, f, Side::A)) << " | " << md(r.value(c, f, Side::B)) << " |\n";
                first = false;
            }
        }
        out << "\n";
    }

    if (r.hiveCount() > 0) {
        out << "## Registry changes\n\nChanged hives compared key by key and value by value (names "
               "case-insensitively); time stamps and sequence numbers are noise.\n\n";
        for (const Change& c : r.changes()) {
            const diff::HiveComparison* h = r.hive(c);
            if (!h)
                continue;
            out << "### " << md(r.path(c)) << "\n\n" << md(hiveVerdict(*h)) << ".\n\n";
            if (!h->diff || h->diff->changes().empty())
                continue;
            out << "| Change | Where | A | B |\n|---|---|---|---|\n";
            size_t rows = 0;
            for (const auto& hc : h->diff->changes()) {
                if (rows++ == kMaxHiveRows)
                    break;
                out << "| " << layerscope::hive::hiveChangeKindName(hc.kind) << " | " << md(h->diff->where(hc)) << " | "
                    << md(h->diff->sideText(hc, false)) << " | " << md(h->diff->sideText(hc, true)) << " |\n";
            }
            if (h->diff->changes().size() > kMaxHiveRows)
                out << "\n… and " << (h->diff->changes().size() - kMaxHiveRows)
                    << " more (`layerscope-cli hive diff` lists them all).\n";
            out << "\n";
        }
    }

    out << "## Expected changes by rule\n\n";
    if (r.rules().empty()) {
        out << "No rules were in effect.\n\n";
    } else {
        out << "| Rule | Changes | Covers | Why it is expected |\n|---|---:|---|---|\n";
        for (size_t i = 0; i < r.rules().size(); ++i) {
            const auto& rule = r.rules()[i];
            const std::string count = ruleCount(r, i);
            out << "| " << md(rule.name()) << " | " << count << " | " << md(coverage(rule)) << " | "
                << md(rule.description()) << " |\n";
        }
        out << "\n";
    }
    if (s.expected > 0) {
        out << "## Expected changes\n\n| Path | Kind | Fields | Rules |\n|---|---|---|---|\n";
        size_t rows = 0;
        for (const Change& c : r.changes()) {
            if (!c.expected)
                continue;
            if (rows++ == options.maxExpectedRows)
                break;
            out << "| " << md(r.path(c)) << " | " << diff::changeKindName(c.kind) << " | " << fieldList(c.fields)
                << " | " << md(rulesOfChange(r, c)) << " |\n";
        }
        if (s.expected > options.maxExpectedRows)
            out << "\n… and " << (s.expected - options.maxExpectedRows)
                << " more expected changes (`layerscope-cli diff --json` lists them all).\n";
        out << "\n";
    }
    out << "---\nGenerated by LayerScope " << LAYERSCOPE_VERSION << " (`layerscope-cli diff`).\n";
}

// ---- HTML -----------------------------------------------------------------------------------------------------

void writeDiffHtml(const DiffResult& r, std::ostream& out, const DiffDocumentOptions& options)
{
    const auto& s = r.summary();
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        << "<title>LayerScope diff: " << html(r.a().label) << " vs " << html(r.b().label) << "</title>\n"
        << "<style>\n"
           "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:80em}\n"
           "table{border-collapse:collapse;margin:0.5em 0 1.5em}\n"
           "th,td{border:1px solid #ccc;padding:0.25em 0.6em;text-align:left;vertical-align:top}\n"
           "th{background:#f2f2f2}\n"
           "td.num{text-align:right}\n"
           "code,.mono{font-family:ui-monospace,monospace;font-size:0.92em;word-break:break-all}\n"
           ".verdict{font-size:1.2em;padding:0.6em 1em;border-radius:4px}\n"
           ".bad{background:#fde2e1;border:1px solid #e0a0a0}\n"
           ".ok{background:#e3f6e3;border:1px solid #9fcf9f}\n"
           ".exp{color:#777}\n"
           "</style>\n</head>\n<body>\n";
    out << "<h1>LayerScope diff report</h1>\n";
    out << "<p class=\"verdict " << (r.hasUnexpected() ? "bad" : "ok") << "\"><strong>Verdict: ";
    if (r.hasUnexpected())
        out << "unexpected differences</strong> — " << s.unexpected << " change(s) not explained by any rule"
            << (r.orderDiffers() && !r.orderRule() ? ", and the entry order differs" : "") << " (exit status 1).";
    else if (r.identical())
        out << "identical</strong> — no differences (exit status 0).";
    else
        out << "no unexpected differences</strong> — every difference is explained by a rule (exit status 0).";
    out << "</p>\n<p>" << html(summaryLine(r)) << "</p>\n";

    out << "<h2>What was compared</h2>\n<table>\n<tr><th>Side</th><th>Source</th><th>Kind</th><th>Digest</th>"
           "<th>Entries</th></tr>\n";
    for (Side side : {Side::A, Side::B}) {
        const auto& d = r.side(side);
        out << "<tr><td>" << (side == Side::A ? "A" : "B") << "</td><td class=\"mono\">" << html(d.label) << "</td><td>"
            << diff::sideKindName(d.kind) << "</td><td class=\"mono\">" << (d.digest.empty() ? "—" : html(d.digest))
            << "</td><td class=\"num\">" << d.tree->recordCount() << "</td></tr>\n";
    }
    out << "</table>\n<p>" << html(howCompared(r)) << ".</p>\n<p>Rules in effect: " << html(rulesInEffect(r))
        << ".</p>\n";

    out << "<h2>Summary</h2>\n<table>\n<tr><th>Identical</th><th>Added</th><th>Removed</th><th>Changed</th>"
           "<th>Expected</th><th>Unexpected</th><th>Entry order</th></tr>\n<tr>";
    for (uint64_t n : {s.identical, s.added, s.removed, s.changed, s.expected, s.unexpected})
        out << "<td class=\"num\">" << n << "</td>";
    out << "<td>"
        << (!r.orderCompared()      ? std::string("not compared")
                : !r.orderDiffers() ? std::string("same")
                : r.orderRule()     ? "differs (expected: " + html(r.orderRule()->name()) + ")"
                                    : std::string("differs (unexpected)"))
        << "</td></tr>\n</table>\n";

    out << "<h2>Unexpected changes</h2>\n";
    if (s.unexpected == 0) {
        out << "<p>None.</p>\n";
    } else {
        out << "<table>\n<tr><th>Kind</th><th>Path</th><th>Field</th><th>A</th><th>B</th></tr>\n";
        for (const Change& c : r.changes()) {
            if (c.expected)
                continue;
            if (c.kind != ChangeKind::Changed) {
                const bool added = c.kind == ChangeKind::Added;
                out << "<tr><td>" << diff::changeKindName(c.kind) << "</td><td class=\"mono\">" << html(r.path(c))
                    << "</td><td></td><td class=\"mono\">" << (added ? "—" : html(entryBrief(r, c)))
                    << "</td><td class=\"mono\">" << (added ? html(entryBrief(r, c)) : "—") << "</td></tr>\n";
                continue;
            }
            const auto fields = c.fields.list();
            bool first = true;
            for (Field f : fields) {
                const bool exp = c.explained.contains(f);
                out << "<tr>";
                if (first)
                    out << "<td rowspan=\"" << fields.size() << "\">changed</td><td class=\"mono\" rowspan=\""
                        << fields.size() << "\">" << html(r.path(c)) << "</td>";
                out << "<td" << (exp ? " class=\"exp\"" : "") << ">" << diff::fieldName(f) << (exp ? " (expected)" : "")
                    << "</td><td class=\"mono\">" << html(r.value(c, f, Side::A)) << "</td><td class=\"mono\">"
                    << html(r.value(c, f, Side::B)) << "</td></tr>\n";
                first = false;
            }
        }
        out << "</table>\n";
    }

    if (r.hiveCount() > 0) {
        out << "<h2>Registry changes</h2>\n<p>Changed hives compared key by key and value by value (names "
               "case-insensitively); time stamps and sequence numbers are noise.</p>\n";
        for (const Change& c : r.changes()) {
            const diff::HiveComparison* h = r.hive(c);
            if (!h)
                continue;
            const bool differs = !h->registryEqual();
            out << "<h3 class=\"mono\">" << html(r.path(c)) << "</h3>\n<p class=\"verdict " << (differs ? "bad" : "ok")
                << "\">" << html(hiveVerdict(*h)) << "</p>\n";
            if (!h->diff || h->diff->changes().empty())
                continue;
            out << "<table>\n<tr><th>Change</th><th>Where</th><th>A</th><th>B</th></tr>\n";
            size_t rows = 0;
            for (const auto& hc : h->diff->changes()) {
                if (rows++ == kMaxHiveRows)
                    break;
                out << "<tr><td>" << layerscope::hive::hiveChangeKindName(hc.kind) << "</td><td class=\"mono\">"
                    << html(h->diff->where(hc)) << "</td><td class=\"mono\">" << html(h->diff->sideText(hc, false))
                    << "</td><td class=\"mono\">" << html(h->diff->sideText(hc, true)) << "</td></tr>\n";
            }
            out << "</table>\n";
            if (h->diff->changes().size() > kMaxHiveRows)
                out << "<p>… and " << (h->diff->changes().size() - kMaxHiveRows)
                    << " more (<code>layerscope-cli hive diff</code> lists them all).</p>\n";
        }
    }

    out << "<h2>Expected changes by rule</h2>\n";
    if (r.rules().empty()) {
        out << "<p>No rules were in effect.</p>\n";
    } else {
        out << "<table>\n<tr><th>Rule</th><th>Changes</th><th>Covers</th><th>Why it is expected</th></tr>\n";
        for (size_t i = 0; i < r.rules().size(); ++i) {
            const auto& rule = r.rules()[i];
            const std::string count = ruleCount(r, i);
            out << "<tr><td class=\"mono\">" << html(rule.name()) << "</td><td class=\"num\">" << count << "</td><td>"
                << html(coverage(rule)) << "</td><td>" << html(rule.description()) << "</td></tr>\n";
        }
        out << "</table>\n";
    }
    if (s.expected > 0) {
        // <details> folds the long list without any script.
        out << "<details>\n<summary>All expected changes (" << s.expected << ")</summary>\n<table>\n"
            << "<tr><th>Path</th><th>Kind</th><th>Fields</th><th>Rules</th></tr>\n";
        size_t rows = 0;
        for (const Change& c : r.changes()) {
            if (!c.expected)
                continue;
            if (rows++ == options.maxExpectedRows)
                break;
            out << "<tr><td class=\"mono\">" << html(r.path(c)) << "</td><td>" << diff::changeKindName(c.kind)
                << "</td><td>" << fieldList(c.fields) << "</td><td>" << html(rulesOfChange(r, c)) << "</td></tr>\n";
        }
        out << "</table>\n";
        if (s.expected > options.maxExpectedRows)
            out << "<p>… and " << (s.expected - options.maxExpectedRows)
                << " more expected changes (<code>layerscope-cli diff --json</code> lists them all).</p>\n";
        out << "</details>\n";
    }
    out << "<hr>\n<p class=\"exp\">Generated by LayerScope " << LAYERSCOPE_VERSION
        << " (<code>layerscope-cli diff</code>).</p>\n</body>\n</html>\n";
}

// ---- rules ----------------------------------------------------------------------------------------------------

json rulesToJson(const diff::DiffRules& rules)
{
    json out = json::array();
    for (const auto& rule : rules.rules()) {
        json globs = json::array();
        for (const auto& g : rule.globs())
            globs.push_back(g.pattern());
        json fields = json::array();
        for (Field f : rule.fields().list())
            fields.push_back(diff::fieldName(f));
        json kinds = json::array();
        for (ChangeKind k : {ChangeKind::Added, ChangeKind::Removed, ChangeKind::Changed})
            if (rule.kinds().contains(k))
                kinds.push_back(diff::changeKindName(k));
        out.push_back({{"name", rule.name()},
                       {"origin", rule.origin()},
                       {"description", rule.description()},
                       {"order", rule.coversOrder()},
                       {"globs", globs},
                       {"fields", fields},
                       {"kinds", kinds},
                       {"conditional", rule.conditional()}});
    }
    return out;
}

std::string rulesToText(const diff::DiffRules& rules)
{
    std::ostringstream out;
    if (rules.rules().empty())
        out << "no rules in effect\n";
    for (const auto& rule : rules.rules()) {
        out << rule.name() << "  (" << rule.origin() << ")\n";
        out << "    " << cleanText(rule.description()) << '\n';
        out << "    covers: " << cleanText(coverage(rule)) << '\n';
    }
    return out.str();
}

} // namespace layerscope::report
