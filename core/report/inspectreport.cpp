// SPDX-License-Identifier: Apache-2.0
#include "report/inspectreport.h"

#include "report/entryjson.h"
#include "report/jsonstreamwriter.h"
#include "wcow/fileattributes.h"
#include "wcow/paxtime.h"

#include <cstdio>
#include <sstream>

namespace layerscope::report {

using nlohmann::json;

namespace {

// Every tar entry in tar order: the tree's records with the ones a later duplicate replaced merged in.
template<typename Visit> void forEachHeader(const index::TreeIndex& tree, Visit visit)
{
    const auto records = tree.records();
    const auto shadowed = tree.shadowedRecords();
    size_t s = 0;
    for (const auto& record : records) {
        for (; s < shadowed.size() && shadowed[s].tarIndex < record.tarIndex; ++s)
            visit(shadowed[s], true);
        visit(record, false);
    }
    for (; s < shadowed.size(); ++s)
        visit(shadowed[s], true);
}

} // namespace

json inspectToJson(const index::LayerScan& scan, const InspectOptions& options)
{
    json out = json::object();
    out["path"] = scan.source;
    out["compression"] = io::compressionName(scan.compression);
    out["digest"] = scan.digest;
    out["diffId"] = scan.diffId;
    out["storedSize"] = scan.storedSize;
    out["uncompressedSize"] = scan.uncompressedSize;
    out["layout"] = wcow::layoutName(scan.layout);
    out["counts"] = countsToJson(scan.counts);
    out["totalBytes"] = scan.totalBytes;
    out["problems"] = problemsToJson(scan.problems);
    out["warnings"] = scan.warnings;
    if (options.entries) {
        json entries = json::array();
        forEachHeader(scan.index, [&](const index::TreeIndex::Record& record, bool shadowed) {
            json entry = entryToJson(scan.index, record);
            if (shadowed)
                entry["shadowed"] = true;
            entries.push_back(std::move(entry));
        });
        out["entries"] = std::move(entries);
    }
    return out;
}

void writeInspectJson(const index::LayerScan& scan, const InspectOptions& options, std::ostream& stream)
{
    // Members in the order nlohmann prints inspectToJson's (sorted by name).
    JsonStreamWriter out(stream);
    out.beginObject();
    out.key("compression");
    out.value(io::compressionName(scan.compression));
    out.key("counts");
    out.value(countsToJson(scan.counts));
    out.key("diffId");
    out.value(scan.diffId);
    out.key("digest");
    out.value(scan.digest);
    if (options.entries) {
        out.key("entries");
        out.beginArray();
        forEachHeader(scan.index, [&](const index::TreeIndex::Record& record, bool shadowed) {
            writeEntryJson(out, scan.index, record, std::nullopt, shadowed);
        });
        out.endArray();
    }
    out.key("layout");
    out.value(wcow::layoutName(scan.layout));
    out.key("path");
    out.value(scan.source);
    out.key("problems");
    out.value(problemsToJson(scan.problems));
    out.key("storedSize");
    out.value(scan.storedSize);
    out.key("totalBytes");
    out.value(scan.totalBytes);
    out.key("uncompressedSize");
    out.value(scan.uncompressedSize);
    out.key("warnings");
    out.beginArray();
    for (const std::string& warning : scan.warnings)
        out.value(warning);
    out.endArray();
    out.endObject();
    out.finish();
}

namespace {

char typeLetter(wcow::EntryType type)
{
    switch (type) {
    case wcow::EntryType::File:
        return '-';
    case wcow::EntryType::Directory:
        return 'd';
    case wcow::EntryType::Symlink:
        return 'l';
    case wcow::EntryType::Junction:
        return 'j';
    case wcow::EntryType::Hardlink:
        return 'h';
    case wcow::EntryType::Whiteout:
        return 'w';
    case wcow::EntryType::Stream:
        return 's';
    case wcow::EntryType::Other:
        return '?';
    }
    return '?';
}

} // namespace

void writeInspectText(const index::LayerScan& scan, const InspectOptions& options, std::ostream& stream)
{
    const auto& c = scan.counts;
    std::string out;
    auto line = [&out](const char* label, const std::string& value) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "  %-12s ", label);
        out += buffer + value + '\n';
    };
    out += scan.source + '\n';
    line("layout", wcow::layoutName(scan.layout));
    line("compression", io::compressionName(scan.compression));
    line("digest", scan.digest);
    line("diff_id", scan.diffId);
    line("size",
         std::to_string(scan.storedSize) + " bytes stored, " + std::to_string(scan.uncompressedSize) + " uncompressed, "
             + std::to_string(scan.totalBytes) + " of file data");
    line("entries",
         std::to_string(c.entries) + " (" + std::to_string(c.files) + " files, " + std::to_string(c.directories)
             + " directories, " + std::to_string(c.symlinks) + " symlinks, " + std::to_string(c.junctions)
             + " junctions, " + std::to_string(c.hardlinks) + " hard links, " + std::to_string(c.whiteouts)
             + " whiteouts, " + std::to_string(c.streams) + " streams)");
    for (const auto& w : scan.warnings)
        out += "  warning: " + w + '\n';
    size_t errors = 0;
    for (const auto& p : scan.problems)
        errors += p.severity == wcow::Problem::Severity::Error;
    if (scan.problems.empty()) {
        out += "  no problems found\n";
    } else {
        out += "problems (" + std::to_string(errors) + " errors, " + std::to_string(scan.problems.size() - errors)
            + " warnings):\n";
        for (const auto& p : scan.problems)
            out += std::string(p.severity == wcow::Problem::Severity::Error ? "  error    " : "  warning  ")
                + (p.path.empty() ? "" : p.path + ": ") + p.message + '\n';
    }
    if (options.entries) {
        // One line at a time into a bounded buffer: the listing of a million entries is ~150 MB.
        out += "entries:\n";
        char buffer[64];
        forEachHeader(scan.index, [&](const index::TreeIndex::Record& record, bool shadowed) {
            const std::string attributes = record.has(index::TreeIndex::Record::HasAttributes)
                ? wcow::attributeLetters(record.attributes)
                : std::string("-");
            std::snprintf(buffer, sizeof buffer, "  %c %-6s %12llu  ", typeLetter(record.type), attributes.c_str(),
                          static_cast<unsigned long long>(record.size));
            out += buffer + wcow::formatRfc3339(scan.index.modified(record)) + "  " + scan.index.path(record.node);
            const std::string_view target = scan.index.linkTarget(record);
            if (!target.empty())
                out += " -> " + std::string(target);
            if (shadowed)
                out += "  (replaced by a later entry with the same name)";
            out += '\n';
            if (out.size() >= 64 * 1024) {
                stream.write(out.data(), std::streamsize(out.size()));
                out.clear();
            }
        });
    }
    stream.write(out.data(), std::streamsize(out.size()));
}

std::string inspectToText(const index::LayerScan& scan, const InspectOptions& options)
{
    std::ostringstream out;
    writeInspectText(scan, options, out);
    return std::move(out).str();
}

} // namespace layerscope::report
