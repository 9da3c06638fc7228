// SPDX-License-Identifier: Apache-2.0
#include "report/entryjson.h"

#include "common/base64.h"
#include "common/sha256.h"
#include "wcow/fileattributes.h"
#include "wcow/ntfsnames.h"
#include "wcow/paxtime.h"

namespace layerscope::report {

using nlohmann::json;

namespace {

json timeOrNull(const index::TreeIndex::Record& record, index::TreeIndex::Record::Flag flag, const wcow::PaxTime& time)
{
    return record.has(flag) ? json(wcow::formatRfc3339(time)) : json(nullptr);
}

} // namespace

json entryToJson(const index::TreeIndex& index, const index::TreeIndex::Record& record)
{
    using Record = index::TreeIndex::Record;
    json e = json::object();
    std::string path = index.path(record.node);
    // JSON strings are UTF-8, so a name that is not would print with U+FFFD and two names could look alike; its
    // bytes go alongside in hex (the layout checker flags such names: Windows cannot create them).
    if (!wcow::isValidUtf8(path)) {
        static constexpr char hex[] = "0123456789abcdef";
        std::string bytes;
        for (const char c : path) {
            bytes += hex[uint8_t(c) >> 4];
            bytes += hex[uint8_t(c) & 15];
        }
        e["pathBytes"] = std::move(bytes);
    }
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
    e["created"] = timeOrNull(record, Record::HasCreated, record.created);
    e["modified"] = wcow::formatRfc3339(record.modified);
    e["accessed"] = timeOrNull(record, Record::HasAccessed, record.accessed);
    e["changed"] = timeOrNull(record, Record::HasChanged, record.changed);
    const std::string_view target = index.linkTarget(record);
    e["linkTarget"] = target.empty() ? json(nullptr) : json(std::string(target));
    json xattrs = json::object();
    for (const auto& [name, value] : index.xattrs(record))
        xattrs[name] = base64Encode(std::span(reinterpret_cast<const uint8_t*>(value.data()), value.size()));
    e["xattrs"] = std::move(xattrs);
    if (record.has(Record::HasHash))
        e["sha256"] = toHex(record.sha256);
    return e;
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
