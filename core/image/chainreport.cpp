// SPDX-License-Identifier: Apache-2.0
#include "image/chainreport.h"

#include "image/diskinfo.h"
#include "report/entryjson.h"

#include <cstdio>

namespace layerscope::image {

using nlohmann::json;

namespace {

json stringOrNull(const std::string& s)
{
    return s.empty() ? json(nullptr) : json(s);
}

template<class T> json optionalOrNull(const std::optional<T>& value)
{
    return value ? json(*value) : json(nullptr);
}

} // namespace

json vhdxToJson(const VhdxInfo& disk)
{
    json locator = json::object();
    for (const auto& [key, value] : disk.parentLocator)
        locator[key] = value;
    return json {{"format", disk.format},
                 {"path", disk.path},
                 {"fileSize", disk.fileSize},
                 {"virtualSize", disk.virtualSize},
                 {"type", diskTypeName(disk.type)},
                 {"blockSize", disk.blockSize},
                 {"logicalSectorSize", disk.logicalSectorSize},
                 {"physicalSectorSize", disk.physicalSectorSize},
                 {"parentPath", stringOrNull(disk.parentPath)},
                 {"parentLocator", std::move(locator)},
                 {"creator", disk.creator},
                 {"log",
                  disk.log ? json {{"entries", disk.log->entries},
                                   {"writes", disk.log->writes},
                                   {"headSequence", disk.log->headSequence},
                                   {"offset", disk.log->region.offset},
                                   {"length", disk.log->region.length}}
                           : json(nullptr)}};
}

json chainToJson(const Image& image)
{
    json out = json::object();
    out["source"] = image.source;
    out["kind"] = sourceKindName(image.kind);
    out["os"] = stringOrNull(image.os);
    out["osVersion"] = stringOrNull(image.osVersion);
    out["architecture"] = stringOrNull(image.architecture);
    out["variant"] = stringOrNull(image.variant);
    out["osFeatures"] = image.osFeatures;
    out["created"] = stringOrNull(image.created);
    out["author"] = stringOrNull(image.author);
    out["manifestDigest"] = stringOrNull(image.manifestDigest);
    out["manifestMediaType"] = stringOrNull(image.manifestMediaType);
    out["configDigest"] = stringOrNull(image.configDigest);
    out["repoTags"] = image.repoTags;
    json platforms = json::array();
    for (const PlatformInfo& p : image.platforms)
        platforms.push_back({{"os", p.os},
                             {"architecture", p.architecture},
                             {"variant", stringOrNull(p.variant)},
                             {"osVersion", stringOrNull(p.osVersion)},
                             {"osFeatures", p.osFeatures},
                             {"digest", p.digest},
                             {"mediaType", stringOrNull(p.mediaType)},
                             {"selected", p.selected}});
    out["platforms"] = std::move(platforms);
    out["chainIds"] = image.chainIds;
    if (image.disk)
        out["disk"] = vhdxToJson(*image.disk);

    json layers = json::array();
    for (const LayerRef& l : image.layers) {
        json j = json::object();
        j["index"] = l.index;
        j["digest"] = stringOrNull(l.digest);
        j["diffId"] = stringOrNull(l.diffId);
        j["chainId"] = stringOrNull(l.chainId);
        j["mediaType"] = stringOrNull(l.mediaType);
        j["size"] = optionalOrNull(l.size);
        j["uncompressedSize"] = optionalOrNull(l.uncompressedSize);
        j["compression"] = stringOrNull(l.compression);
        j["foreign"] = l.foreign;
        j["present"] = l.present;
        j["urls"] = l.urls;
        j["layout"] = stringOrNull(l.layout);
        j["createdBy"] = stringOrNull(l.createdBy);
        j["created"] = stringOrNull(l.created);
        j["comment"] = stringOrNull(l.comment);
        j["counts"] = l.counts ? report::countsToJson(*l.counts) : json(nullptr);
        j["problems"] = report::problemsToJson(l.problems);
        if (image.kind == SourceKind::LayerFolder) {
            j["folder"] = l.blobPath;
            j["id"] = l.folderId;
            j["parents"] = l.parentPaths;
            json disks = json::array();
            for (const VhdxInfo& d : l.disks)
                disks.push_back(vhdxToJson(d));
            j["disks"] = std::move(disks);
            j["artifacts"] = l.artifacts;
        }
        layers.push_back(std::move(j));
    }
    out["layers"] = std::move(layers);
    out["notes"] = image.notes;
    return out;
}

std::string chainToText(const Image& image)
{
    std::string out = image.source + " (" + sourceKindName(image.kind) + ")\n";
    auto line = [&out](const char* label, const std::string& value) {
        if (value.empty())
            return;
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "  %-12s ", label);
        out += buffer + value + '\n';
    };
    if (image.disk) {
        const VhdxInfo& d = *image.disk;
        line("disk", diskSummary(d));
        line("format", d.format);
        line("type", diskTypeName(d.type));
        line("virtual size", std::to_string(d.virtualSize) + " bytes");
        line("block size", d.blockSize ? std::to_string(d.blockSize) + " bytes" : std::string());
        line("sectors",
             std::to_string(d.logicalSectorSize) + " bytes logical, " + std::to_string(d.physicalSectorSize)
                 + " bytes physical");
        line("file size", std::to_string(d.fileSize) + " bytes");
        line("creator", d.creator);
        line("parent", d.parentPath);
        for (const auto& [key, value] : d.parentLocator)
            out += "    locator " + key + " = " + value + '\n';
        if (d.log)
            line("log",
                 "replayed in memory: " + std::to_string(d.log->entries) + " entries up to sequence "
                     + std::to_string(d.log->headSequence) + ", " + std::to_string(d.log->writes)
                     + " writes (the disk was not closed cleanly)");
        return out;
    }
    std::string platform = image.os;
    if (!image.architecture.empty())
        platform += '/' + image.architecture;
    if (!image.variant.empty())
        platform += '/' + image.variant;
    if (!image.osVersion.empty())
        platform += " " + image.osVersion;
    line("platform", platform);
    std::string features;
    for (const auto& f : image.osFeatures)
        features += (features.empty() ? "" : ", ") + f;
    line("os.features", features);
    line("created", image.created);
    line("manifest", image.manifestDigest);
    line("config", image.configDigest);
    std::string tags;
    for (const auto& t : image.repoTags)
        tags += (tags.empty() ? "" : ", ") + t;
    line("tags", tags);
    if (!image.platforms.empty()) {
        out += "platforms:\n";
        for (const PlatformInfo& p : image.platforms)
            out += std::string(p.selected ? "  * " : "    ") + p.text() + "  " + p.digest + '\n';
    }
    out += "layers (base first):\n";
    for (const LayerRef& l : image.layers) {
        out += "  #" + std::to_string(l.index) + "  ";
        if (image.kind == SourceKind::LayerFolder)
            out += l.folderId + (l.present ? "" : "  (not here)");
        else
            out += (l.digest.empty() ? l.blobPath : l.digest);
        if (!l.layout.empty())
            out += "  " + l.layout;
        out += '\n';
        std::string sizes;
        if (l.size)
            sizes = std::to_string(*l.size) + (image.kind == SourceKind::LayerFolder ? " bytes of files" : " bytes");
        if (!l.compression.empty())
            sizes += " (" + l.compression + ")";
        if (l.uncompressedSize && image.kind != SourceKind::LayerFolder)
            sizes += ", " + std::to_string(*l.uncompressedSize) + " uncompressed";
        if (l.counts)
            sizes += ", " + std::to_string(l.counts->entries) + " entries";
        if (!sizes.empty())
            out += "      " + sizes + '\n';
        if (!l.diffId.empty() && l.diffId != l.digest)
            out += "      diff_id " + l.diffId + '\n';
        if (!l.mediaType.empty())
            out += "      " + l.mediaType + '\n';
        if (l.foreign)
            out += std::string("      foreign layer, ") + (l.present ? "present" : "not present") + '\n';
        for (const auto& u : l.urls)
            out += "      url " + u + '\n';
        if (!l.createdBy.empty())
            out += "      created by: " + l.createdBy + '\n';
        for (const VhdxInfo& d : l.disks) {
            out += "      disk " + d.path + ": " + diskTypeName(d.type) + ", " + std::to_string(d.virtualSize)
                + " bytes virtual";
            if (!d.parentPath.empty())
                out += ", parent " + d.parentPath;
            out += '\n';
        }
        size_t errors = 0;
        for (const auto& p : l.problems)
            errors += p.severity == wcow::Problem::Severity::Error;
        if (!l.problems.empty())
            out += "      " + std::to_string(errors) + " layout errors, " + std::to_string(l.problems.size() - errors)
                + " warnings (see verify)\n";
    }
    if (!image.chainIds.empty())
        out += "  top chain ID " + image.chainIds.back() + '\n';
    for (const auto& n : image.notes)
        out += "note: " + n + '\n';
    return out;
}

json findingsToJson(const Image& image, const std::vector<Finding>& findings)
{
    json problems = json::array();
    size_t errors = 0;
    for (const Finding& f : findings) {
        errors += f.severity == Finding::Severity::Error;
        problems.push_back({{"layer", optionalOrNull(f.layer)},
                            {"severity", f.severity == Finding::Severity::Error ? "error" : "warning"},
                            {"message", f.message}});
    }
    return json {{"source", image.source}, {"kind", sourceKindName(image.kind)},
                 {"ok", errors == 0},      {"layers", image.layers.size()},
                 {"errors", errors},       {"warnings", findings.size() - errors},
                 {"notes", image.notes},   {"problems", std::move(problems)}};
}

std::string findingsToText(const Image& image, const std::vector<Finding>& findings)
{
    size_t errors = 0;
    for (const Finding& f : findings)
        errors += f.severity == Finding::Severity::Error;
    std::string out;
    for (const Finding& f : findings) {
        out += f.severity == Finding::Severity::Error ? "error    " : "warning  ";
        if (f.layer)
            out += "layer " + std::to_string(*f.layer) + ": ";
        out += f.message + '\n';
    }
    for (const std::string& note : image.notes)
        out += "note     " + note + '\n';
    const std::string what = image.disk ? "a virtual disk" : std::to_string(image.layers.size()) + " layers";
    out += image.source + ": " + what + ", "
        + (errors == 0 ? std::string("verified") : std::to_string(errors) + " errors") + ", "
        + std::to_string(findings.size() - errors) + " warnings\n";
    return out;
}

} // namespace layerscope::image
