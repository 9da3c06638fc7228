// SPDX-License-Identifier: Apache-2.0
#include "scratch/scratchsession.h"

#include "common/base64.h"
#include "common/error.h"
#include "index/filestat.h"
#include "index/treeindexbuilder.h"
#include "io/atomicfile.h"
#include "io/filesource.h"
#include "wcow/paxtime.h"

#include <nlohmann/json.hpp>

#include <array>

namespace layerscope::scratch {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* SessionFile = "session.json";
constexpr const char* BaselineFile = "baseline.json";
constexpr uint64_t MaxSessionBytes = uint64_t(64) << 20;
constexpr uint64_t MaxBaselineBytes = uint64_t(8) << 30;

wcow::EntryType typeFromName(const std::string& name, const std::string& file)
{
    using wcow::EntryType;
    for (EntryType t : {EntryType::File, EntryType::Directory, EntryType::Symlink, EntryType::Junction,
                        EntryType::Hardlink, EntryType::Whiteout, EntryType::Stream, EntryType::Other})
        if (name == wcow::entryTypeName(t))
            return t;
    throw Error({file, {}, {}, {}}, "unknown entry type '" + name + "'");
}

wcow::PaxTime timeFrom(const json& value, const std::string& file)
{
    const auto t = wcow::parsePaxTime(value.get<std::string>());
    if (!t)
        throw Error({file, {}, {}, {}}, "malformed time '" + value.get<std::string>() + "'");
    return *t;
}

std::string hex(const Sha256Digest& d)
{
    return toHex(d);
}

std::optional<Sha256Digest> digestFrom(const std::string& text)
{
    if (text.size() != 64)
        return std::nullopt;
    Sha256Digest d {};
    for (size_t i = 0; i < 32; ++i) {
        auto nibble = [](char c) -> int {
            if (c >= '0' && c <= '9')
                return c - '0';
            if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
            return -1;
        };
        const int hi = nibble(text[2 * i]);
        const int lo = nibble(text[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        d[i] = uint8_t(hi * 16 + lo);
    }
    return d;
}

json windowsToJson(const wcow::WindowsEntry& w)
{
    json j = {{"type", wcow::entryTypeName(w.type)},
              {"modified", wcow::formatPaxTime(w.modified)},
              {"tarIndex", w.tarIndex},
              {"mode", w.mode}};
    if (w.attributes)
        j["attributes"] = *w.attributes;
    if (!w.securityDescriptor.empty())
        j["rawsd"] = base64Encode(w.securityDescriptor);
    if (w.created)
        j["created"] = wcow::formatPaxTime(*w.created);
    if (w.accessed)
        j["accessed"] = wcow::formatPaxTime(*w.accessed);
    if (w.changed)
        j["changed"] = wcow::formatPaxTime(*w.changed);
    if (!w.linkTarget.empty())
        j["linkTarget"] = w.linkTarget;
    if (!w.xattrs.empty()) {
        json x = json::array();
        for (const auto& [name, value] : w.xattrs)
            x.push_back({name, base64Encode({reinterpret_cast<const uint8_t*>(value.data()), value.size()})});
        j["xattrs"] = x;
    }
    return j;
}

wcow::WindowsEntry windowsFromJson(const json& j, const std::string& path, const std::string& file)
{
    wcow::WindowsEntry w;
    w.path = path;
    w.type = typeFromName(j.at("type").get<std::string>(), file);
    w.modified = timeFrom(j.at("modified"), file);
    w.tarIndex = j.at("tarIndex").get<uint64_t>();
    w.mode = j.value("mode", 0u);
    if (j.contains("attributes"))
        w.attributes = j["attributes"].get<uint32_t>();
    if (j.contains("rawsd")) {
        auto bytes = base64Decode(j["rawsd"].get<std::string>());
        if (!bytes)
            throw Error({file, {}, path, {}}, "malformed rawsd");
        w.securityDescriptor = std::move(*bytes);
    }
    if (j.contains("created"))
        w.created = timeFrom(j["created"], file);
    if (j.contains("accessed"))
        w.accessed = timeFrom(j["accessed"], file);
    if (j.contains("changed"))
        w.changed = timeFrom(j["changed"], file);
    w.linkTarget = j.value("linkTarget", std::string());
    if (j.contains("xattrs"))
        for (const auto& x : j["xattrs"]) {
            auto bytes = base64Decode(x.at(1).get<std::string>());
            if (!bytes)
                throw Error({file, {}, path, {}}, "malformed xattr value");
            w.xattrs.emplace_back(x.at(0).get<std::string>(), std::string(bytes->begin(), bytes->end()));
        }
    return w;
}

json readJson(const fs::path& path, uint64_t limit)
{
    io::FileSource source(path);
    if (source.storedSize() > limit)
        throw Error({io::pathToUtf8(path), {}, {}, {}}, "too large for a scratch state file");
    std::string text(size_t(source.storedSize()), '\0');
    size_t done = 0;
    while (done < text.size()) {
        const size_t n = source.read(text.data() + done, text.size() - done);
        if (n == 0)
            break;
        done += n;
    }
    text.resize(done);
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        throw Error({io::pathToUtf8(path), {}, {}, {}}, std::string("not valid JSON: ") + e.what());
    }
}

void writeJson(const fs::path& path, const json& value)
{
    const std::string text = value.dump(1) + "\n";
    io::AtomicFile file(path, {.overwrite = true});
    file.write(text.data(), text.size());
    file.commit();
}

} // namespace

bool ScratchSession::isScratchFolder(const fs::path& workDir)
{
    std::error_code ec;
    if (index::isLink(workDir) || !fs::is_directory(workDir, ec))
        return false;
    const fs::path file = stateFolder(workDir) / SessionFile;
    if (!fs::is_regular_file(fs::symlink_status(file, ec)))
        return false;
    try {
        const json j = readJson(file, MaxSessionBytes);
        return j.is_object() && j.value("format", std::string()) == "layerscope-scratch";
    } catch (const Error&) {
        return false;
    }
}

ScratchSession ScratchSession::load(const fs::path& workDir, bool withBaseline)
{
    const fs::path sessionPath = stateFolder(workDir) / SessionFile;
    const std::string name = io::pathToUtf8(sessionPath);
    std::error_code ec;
    if (!fs::exists(sessionPath, ec))
        throw Error({io::pathToUtf8(workDir), {}, {}, {}},
                    "not a scratch work folder (no .layerscope/session.json; create one with scratch prepare)");
    ScratchSession s;
    try {
        const json j = readJson(sessionPath, MaxSessionBytes);
        if (j.value("format", std::string()) != "layerscope-scratch")
            throw Error({name, {}, {}, {}}, "not a LayerScope scratch session");
        if (j.value("version", 0) != Version)
            throw Error({name, {}, {}, {}}, "unsupported session version " + std::to_string(j.value("version", 0)));
        s.backend = j.at("backend").get<std::string>();
        s.source = j.value("source", std::string());
        s.sourceKind = j.value("sourceKind", std::string());
        s.platform = j.value("platform", std::string());
        if (j.contains("upTo") && !j["upTo"].is_null())
            s.upTo = j["upTo"].get<size_t>();
        s.layerCount = j.value("layerCount", size_t(0));
        s.parentless = j.value("parentless", false);
        s.layerDigests = j.value("layerDigests", std::vector<std::string>());
        s.diffIds = j.value("diffIds", std::vector<std::string>());
        s.created = j.value("created", std::string());
        s.notes = j.value("notes", std::vector<std::string>());
        s.backendData = j.value("backendData", std::string());
    } catch (const json::exception& e) {
        throw Error({name, {}, {}, {}}, std::string("malformed session: ") + e.what());
    }
    if (!withBaseline)
        return s;

    const fs::path baselinePath = stateFolder(workDir) / BaselineFile;
    const std::string bname = io::pathToUtf8(baselinePath);
    try {
        const json j = readJson(baselinePath, MaxBaselineBytes);
        for (const json& e : j.at("entries")) {
            BaselineEntry b;
            b.path = e.at("path").get<std::string>();
            b.type = typeFromName(e.at("type").get<std::string>(), bname);
            b.size = e.value("size", uint64_t(0));
            if (e.contains("sha256")) {
                b.sha256 = digestFrom(e["sha256"].get<std::string>());
                if (!b.sha256)
                    throw Error({bname, {}, b.path, {}}, "malformed sha256");
            }
            b.modified = timeFrom(e.at("modified"), bname);
            if (e.contains("changed"))
                b.changed = timeFrom(e["changed"], bname);
            b.linkTarget = e.value("linkTarget", std::string());
            if (e.contains("windows"))
                b.windows = windowsFromJson(e["windows"], b.path, bname);
            b.layer = e.value("layer", uint16_t(0));
            s.baseline.push_back(std::move(b));
        }
    } catch (const json::exception& e) {
        throw Error({bname, {}, {}, {}}, std::string("malformed baseline: ") + e.what());
    }
    return s;
}

void ScratchSession::save(const fs::path& workDir) const
{
    const fs::path state = stateFolder(workDir);
    fs::create_directories(state);
    json session = {{"format", "layerscope-scratch"},
                    {"version", Version},
                    {"backend", backend},
                    {"source", source},
                    {"sourceKind", sourceKind},
                    {"platform", platform},
                    {"upTo", upTo ? json(*upTo) : json(nullptr)},
                    {"layerCount", layerCount},
                    {"parentless", parentless},
                    {"layerDigests", layerDigests},
                    {"diffIds", diffIds},
                    {"created", created},
                    {"notes", notes},
                    {"backendData", backendData}};
    json entries = json::array();
    for (const BaselineEntry& b : baseline) {
        json e = {{"path", b.path},
                  {"type", wcow::entryTypeName(b.type)},
                  {"size", b.size},
                  {"modified", wcow::formatPaxTime(b.modified)}};
        if (b.sha256)
            e["sha256"] = hex(*b.sha256);
        if (b.changed)
            e["changed"] = wcow::formatPaxTime(*b.changed);
        if (!b.linkTarget.empty())
            e["linkTarget"] = b.linkTarget;
        if (b.windows) {
            e["windows"] = windowsToJson(*b.windows);
            e["layer"] = b.layer;
        }
        entries.push_back(std::move(e));
    }
    // The baseline first: a session.json without its baseline would be a folder that looks prepared but is not.
    writeJson(state / BaselineFile, json {{"version", Version}, {"entries", std::move(entries)}});
    writeJson(state / SessionFile, session);
}

index::TreeIndex ScratchSession::baselineTree() const
{
    index::TreeIndexBuilder builder(true);
    uint64_t i = 0;
    for (const BaselineEntry& b : baseline) {
        wcow::WindowsEntry e;
        e.path = b.path;
        e.type = b.type;
        e.size = b.size;
        e.modified = b.modified;
        e.changed = b.changed;
        e.linkTarget = b.linkTarget;
        e.tarIndex = i++;
        builder.add(e, b.sha256);
    }
    return builder.finish();
}

} // namespace layerscope::scratch
