// SPDX-License-Identifier: Apache-2.0
#include "report/entryjson.h"

#include "common/base64.h"
#include "common/sha256.h"
#include "index/mergedtree.h"
#include "wcow/fileattributes.h"
#include "wcow/ntfsnames.h"
#include "wcow/paxtime.h"

#include <map>

namespace layerscope::report {

using nlohmann::json;

namespace {

json timeOrNull(const std::optional<wcow::PaxTime>& time)
{
    return time ? json(wcow::formatRfc3339(*time)) : json(nullptr);
}

// JSON strings are UTF-8, so a name that is not would print with U+FFFD and two names could look alike; its bytes go
// alongside in hex (the layout checker flags such names: Windows cannot create them).
std::optional<std::string> pathBytes(std::string_view path)
{
    if (wcow::isValidUtf8(path))
        return std::nullopt;
    static constexpr char hex[] = "0123456789abcdef";
    std::string bytes;
    for (const char c : path) {
        bytes += hex[uint8_t(c) >> 4];
        bytes += hex[uint8_t(c) & 15];
    }
    return bytes;
}

} // namespace

json entryToJson(const index::TreeIndex& index, const index::TreeIndex::Record& record)
{
    using Record = index::TreeIndex::Record;
    json e = json::object();
    std::string path = index.path(record.node);
    if (auto bytes = pathBytes(path))
        e["pathBytes"] = std::move(*bytes);
    e["path"] = std::move(path);
    e["type"] = wcow::entryTypeName(record.type);
    e["size"] = record.size;
    e["mode"] = record.mode;
    if (record.has(Record::HasAttributes)) {
        e["attributes"] = record.attributes;
        e["attributeNames"] = wcow::attributeNames(record.attributes);
    } else {
        e["attributes"] = nullptr;
        e["attributeNames"] = json::array();
    }
    const std::string_view sddl = index.sddl(record);
    e["sddl"] = sddl.empty() ? json(nullptr) : json(std::string(sddl));
    e["created"] = timeOrNull(index.created(record));
    e["modified"] = wcow::formatRfc3339(index.modified(record));
    e["accessed"] = timeOrNull(index.accessed(record));
    e["changed"] = timeOrNull(index.changed(record));
    const std::string_view target = index.linkTarget(record);
    e["linkTarget"] = target.empty() ? json(nullptr) : json(std::string(target));
    json xattrs = json::object();
    for (const auto& [name, value] : index.xattrs(record))
        xattrs[name] = base64Encode(std::span(reinterpret_cast<const uint8_t*>(value.data()), value.size()));
    e["xattrs"] = std::move(xattrs);
    if (const std::string reason = index::unreadableReason(index, record); !reason.empty())
        e["unreadable"] = reason;
    if (record.has(Record::HasHash))
        e["sha256"] = toHex(record.sha256);
    return e;
}

void writeEntryJson(JsonStreamWriter& out, const index::TreeIndex& index, const index::TreeIndex::Record& record,
                    std::optional<uint16_t> layer, bool shadowed)
{
    using Record = index::TreeIndex::Record;
    const auto time = [&](const std::optional<wcow::PaxTime>& t) {
        if (t)
            out.value(wcow::formatRfc3339(*t));
        else
            out.null();
    };
    const auto stringOrNull = [&](std::string_view text) {
        if (text.empty())
            out.null();
        else
            out.value(text);
    };
    // Members in the order nlohmann prints entryToJson's (sorted by name).
    out.beginObject();
    out.key("accessed");
    time(index.accessed(record));
    out.key("attributeNames");
    out.beginArray();
    if (record.has(Record::HasAttributes))
        for (const std::string& name : wcow::attributeNames(record.attributes))
            out.value(name);
    out.endArray();
    out.key("attributes");
    if (record.has(Record::HasAttributes))
        out.value(record.attributes);
    else
        out.null();
    out.key("changed");
    time(index.changed(record));
    out.key("created");
    time(index.created(record));
    if (layer) {
        out.key("layer");
        out.value(*layer);
    }
    out.key("linkTarget");
    stringOrNull(index.linkTarget(record));
    out.key("mode");
    out.value(record.mode);
    out.key("modified");
    out.value(wcow::formatRfc3339(index.modified(record)));
    const std::string path = index.path(record.node);
    out.key("path");
    out.value(path);
    if (auto bytes = pathBytes(path)) {
        out.key("pathBytes");
        out.value(*bytes);
    }
    out.key("sddl");
    stringOrNull(index.sddl(record));
    if (record.has(Record::HasHash)) {
        out.key("sha256");
        out.value(toHex(record.sha256));
    }
    if (shadowed) {
        out.key("shadowed");
        out.value(true);
    }
    out.key("size");
    out.value(record.size);
    out.key("type");
    out.value(wcow::entryTypeName(record.type));
    if (const std::string reason = index::unreadableReason(index, record); !reason.empty()) {
        out.key("unreadable");
        out.value(reason);
    }
    out.key("xattrs");
    out.beginObject();
    auto xattrs = index.xattrs(record);
    if (!xattrs.empty()) {
        // As a JSON object: sorted by name, and a repeated name keeps its last value.
        std::map<std::string, std::string> sorted;
        for (auto& [name, value] : xattrs)
            sorted[std::move(name)]
                = base64Encode(std::span(reinterpret_cast<const uint8_t*>(value.data()), value.size()));
        for (const auto& [name, value] : sorted) {
            out.key(name);
            out.value(value);
        }
    }
    out.endObject();
    out.endObject();
}

json countsToJson(const index::EntryCounts& counts)
{
    return json {{"entries", counts.entries},     {"files", counts.files},         {"directories", counts.directories},
                 {"symlinks", counts.symlinks},   {"junctions", counts.junctions}, {"hardlinks", counts.hardlinks},
                 {"whiteouts", counts.whiteouts}, {"streams", counts.streams}};
}

json problemsToJson(const std::vector<wcow::Problem>& problems)
{
    json out = json::array();
    for (const auto& p : problems)
        out.push_back({{"severity", p.severity == wcow::Problem::Severity::Error ? "error" : "warning"},
                       {"path", p.path},
                       {"message", p.message}});
    return out;
}

} // namespace layerscope::report
