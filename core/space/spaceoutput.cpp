// SPDX-License-Identifier: Apache-2.0
#include "space/spaceoutput.h"

#include <cstdio>
#include <iterator>

namespace layerscope::space {

using nlohmann::json;

namespace {

json countBytes(uint64_t count, uint64_t bytes)
{
    return {{"count", count}, {"bytes", bytes}};
}

std::string percent(double fraction)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2f %%", fraction * 100.0);
    return text;
}

std::string pad(std::string text, size_t width, bool right = true)
{
    if (text.size() >= width)
        return text;
    return right ? std::string(width - text.size(), ' ') + text : text + std::string(width - text.size(), ' ');
}

// Keeps the end of a path, which names the file, when it is too long for its column.
std::string fit(const std::string& text, size_t width)
{
    if (text.size() <= width)
        return text;
    return "..." + text.substr(text.size() - (width - 3));
}

} // namespace

std::string humanBytes(uint64_t bytes)
{
    static constexpr const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    if (bytes < 1024)
        return std::to_string(bytes) + " B";
    double value = double(bytes) / 1024.0;
    size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < std::size(units)) {
        value /= 1024.0;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
    return text;
}

json spaceToJson(const SpaceReport& report, const std::string& source)
{
    json layers = json::array();
    for (const LayerSpace& l : report.layers)
        layers.push_back({{"index", l.index},
                          {"role", layerRoleName(l.role)},
                          {"createdBy", l.createdBy},
                          {"present", l.present},
                          {"storedSize", l.storedSize},
                          {"bytes", l.bytes},
                          {"entries", l.entries},
                          {"added", countBytes(l.addedCount, l.addedBytes)},
                          {"modified", countBytes(l.modifiedCount, l.modifiedBytes)},
                          {"removed", countBytes(l.removedCount, l.removedBytes)},
                          {"visibleBytes", l.visibleBytes},
                          {"hiddenBytes", l.hiddenBytes}});
    json wasted = json::array();
    for (const WastedPath& w : report.wastedPaths)
        wasted.push_back({{"path", w.path},
                          {"occurrences", w.occurrences},
                          {"cumulativeBytes", w.cumulativeBytes},
                          {"wastedBytes", w.wastedBytes},
                          {"layers", w.layers}});
    json duplicates = json::array();
    for (const DuplicateGroup& g : report.duplicates)
        duplicates.push_back({{"sha256", toHex(g.sha256)},
                              {"size", g.size},
                              {"count", g.paths.size()},
                              {"savableBytes", g.savableBytes()},
                              {"paths", g.paths}});
    json rules = json::array();
    for (const HotSpot& h : report.hotSpots)
        rules.push_back({{"rule", h.rule},
                         {"reason", h.reason},
                         {"files", h.files},
                         {"bytes", h.bytes},
                         {"shippedBytes", h.shippedBytes},
                         {"topPaths", h.topPaths}});
    json split = json::array();
    for (const RoleSplit& s : report.split)
        split.push_back({{"role", layerRoleName(s.role)},
                         {"layers", s.layers},
                         {"bytes", s.bytes},
                         {"storedBytes", s.storedBytes},
                         {"visibleBytes", s.visibleBytes}});
    return {{"source", source},
            {"efficiency", report.efficiency},
            {"dive",
             {{"efficiency", report.efficiency},
              {"wastedBytes", report.diveWastedBytes},
              {"totalBytes", report.diveTotalBytes}}},
            {"exact",
             {{"shippedBytes", report.shippedBytes},
              {"visibleBytes", report.visibleBytes},
              {"hiddenBytes", report.hiddenBytes},
              {"visibleFiles", report.visibleFiles}}},
            {"layers", layers},
            {"wastedPaths", {{"count", report.wastedPathCount}, {"top", wasted}}},
            {"duplicates",
             {{"measured", report.duplicatesMeasured},
              {"groups", report.duplicateGroupCount},
              {"files", report.duplicateFiles},
              {"savableBytes", report.duplicateSavableBytes},
              {"top", duplicates}}},
            {"hotSpots", {{"bytes", report.hotSpotBytes}, {"rules", rules}}},
            {"split", split}};
}

std::string spaceToText(const SpaceReport& report, const std::string& source)
{
    std::string out;
    const auto line = [&](const std::string& text) { out += text + '\n'; };
    const auto exact = [](uint64_t bytes) { return humanBytes(bytes) + " (" + std::to_string(bytes) + " bytes)"; };
    line("Space of " + fit(source, 91));
    line("  efficiency (dive)  " + percent(report.efficiency) + ", " + exact(report.diveWastedBytes) + " wasted of "
         + humanBytes(report.diveTotalBytes));
    line("  shipped            " + exact(report.shippedBytes));
    line("  visible            " + exact(report.visibleBytes) + " in " + std::to_string(report.visibleFiles)
         + " files");
    line("  hidden             " + exact(report.hiddenBytes)
         + (report.shippedBytes
                ? ", " + percent(double(report.hiddenBytes) / double(report.shippedBytes)) + " of shipped"
                : std::string()));
    if (report.duplicatesMeasured)
        line("  duplicates         " + std::to_string(report.duplicateGroupCount) + " groups, "
             + std::to_string(report.duplicateFiles) + " files, " + exact(report.duplicateSavableBytes)
             + " savable by hard links");
    else
        line("  duplicates         not measured (files were not hashed)");
    line("  hot spots          " + exact(report.hotSpotBytes) + " visible");
    line("");
    line("Layers (counts/bytes of files, streams and links; hidden = shipped but not in the merged view)");
    line(pad("#", 5) + "  " + pad("role", 12, false) + pad("stored", 12) + pad("data", 12) + "  "
         + pad("added", 14, false) + " " + pad("changed", 14, false) + " " + pad("removed", 14, false)
         + pad("hidden", 11));
    const auto cell = [](uint64_t count, uint64_t bytes) { return std::to_string(count) + "/" + humanBytes(bytes); };
    for (const LayerSpace& l : report.layers) {
        if (!l.present) {
            line(pad(std::to_string(l.index), 5) + "  " + pad(layerRoleName(l.role), 12, false)
                 + pad(humanBytes(l.storedSize), 12) + "  (not in the source)");
            continue;
        }
        line(pad(std::to_string(l.index), 5) + "  " + pad(layerRoleName(l.role), 12, false)
             + pad(humanBytes(l.storedSize), 12) + pad(humanBytes(l.bytes), 12) + "  "
             + pad(cell(l.addedCount, l.addedBytes), 14, false) + " "
             + pad(cell(l.modifiedCount, l.modifiedBytes), 14, false) + " "
             + pad(cell(l.removedCount, l.removedBytes), 14, false) + pad(humanBytes(l.hiddenBytes), 11));
        if (!l.createdBy.empty())
            line("       " + fit(l.createdBy, 93));
    }
    line("");
    line("Split                layers      stored        data     visible");
    for (const RoleSplit& s : report.split)
        line("  " + pad(layerRoleName(s.role), 16, false) + pad(std::to_string(s.layers), 9)
             + pad(humanBytes(s.storedBytes), 12) + pad(humanBytes(s.bytes), 12) + pad(humanBytes(s.visibleBytes), 12));
    line("");
    line("Wasted paths (dive): " + std::to_string(report.wastedPathCount) + " paths written by more than one layer");
    if (!report.wastedPaths.empty())
        line("       wasted  copies  path");
    for (const WastedPath& w : report.wastedPaths)
        line(pad(humanBytes(w.wastedBytes), 13) + pad(std::to_string(w.occurrences), 8) + "  " + fit(w.path, 75));
    line("");
    line("Duplicate content in the merged view: " + std::to_string(report.duplicateGroupCount) + " groups");
    for (const DuplicateGroup& g : report.duplicates) {
        line("  " + std::to_string(g.paths.size()) + " x " + humanBytes(g.size) + ", " + humanBytes(g.savableBytes())
             + " savable, sha256 " + toHex(g.sha256).substr(0, 16));
        for (const std::string& p : g.paths)
            line("      " + fit(p, 94));
    }
    line("");
    // Rules that match nothing are left out of the text (the JSON lists every rule).
    size_t quiet = 0;
    line("Hot spots (" + std::to_string(report.hotSpots.size()) + " rules)");
    line(pad("rule", 24, false) + pad("files", 10) + pad("visible", 12) + pad("shipped", 12) + "  largest file");
    for (const HotSpot& h : report.hotSpots) {
        if (h.shippedBytes == 0 && h.files == 0) {
            ++quiet;
            continue;
        }
        line(pad(fit(h.rule, 24), 24, false) + pad(std::to_string(h.files), 10) + pad(humanBytes(h.bytes), 12)
             + pad(humanBytes(h.shippedBytes), 12) + "  " + (h.topPaths.empty() ? "" : fit(h.topPaths.front(), 40)));
    }
    if (quiet > 0)
        line("  " + std::to_string(quiet) + " rules match nothing");
    return out;
}

} // namespace layerscope::space
