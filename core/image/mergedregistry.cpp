// SPDX-License-Identifier: Apache-2.0
#include "image/mergedregistry.h"

#include "common/error.h"
#include "hive/hivereader.h"
#include "hive/hivewriter.h"
#include "hive/layeredhive.h"
#include "hive/systemhives.h"
#include "image/imagesource.h"
#include "index/entrydata.h"

#include <array>
#include <filesystem>
#include <optional>
#include <utility>

namespace fs = std::filesystem;

namespace layerscope::image {

namespace {

// registry-delta-hives §1: DEFAULT pairs with DefaultUser_Delta (hcsshim's DEFAULT <-> DEFAULTUSER_*).
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kDeltaNames = {{
    {"DEFAULT", "DefaultUser_Delta"},
    {"SAM", "Sam_Delta"},
    {"SECURITY", "Security_Delta"},
    {"SOFTWARE", "Software_Delta"},
    {"SYSTEM", "System_Delta"},
}};

// The hive stored at `path` in layer `i`, or nothing when the layer does not have it.
std::optional<hive::HiveReader> readLayerHive(const ImageSource& source, size_t i, const std::string& path,
                                              Progress& progress)
{
    if (source.kind() == SourceKind::LayerFolder) {
        const fs::path file = source.image().layers[i].folder / fs::u8path(path);
        std::error_code ec;
        if (!fs::is_regular_file(file, ec))
            return std::nullopt;
        return hive::HiveReader::fromFile(file);
    }
    auto bytes = index::findEntryData(source.openLayerBlob(i), path, hive::HiveReader::kMaxHiveSize + 1, progress);
    if (!bytes)
        return std::nullopt;
    if (bytes->size() > hive::HiveReader::kMaxHiveSize)
        throw Error({source.layerName(i), {}, path, {}}, "hive is larger than the 512 MiB this tool reads");
    return hive::HiveReader(*bytes);
}

} // namespace

std::string_view deltaHiveName(std::string_view hive)
{
    for (const auto& [config, delta] : kDeltaNames)
        if (config == hive)
            return delta;
    return {};
}

MergedHive mergeSystemHive(const ImageSource& source, std::string_view hive, Progress& progress)
{
    const std::string& sourceName = source.image().source;
    const std::string_view delta = deltaHiveName(hive);
    if (delta.empty())
        throw Error({sourceName, {}, {}, {}},
                    "no system hive named \"" + std::string(hive) + "\" (DEFAULT, SAM, SECURITY, SOFTWARE, SYSTEM)");
    const std::string configPath = "Files/Windows/System32/config/" + std::string(hive);
    const std::string deltaPath = "Hives/" + std::string(delta);
    const size_t layerCount = source.image().layers.size();

    MergedHive out;
    out.name = std::string(hive);
    std::vector<hive::HiveReader> readers;
    auto add = [&](size_t layer, const std::string& entry, hive::HiveReader reader) {
        if (!reader.root())
            throw Error(
                {source.layerName(layer), {}, entry, reader.problems().empty() ? 0 : reader.problems().front().offset},
                "not a readable hive: "
                    + (reader.problems().empty() ? std::string("no root key") : reader.problems().front().message));
        readers.push_back(std::move(reader));
        out.parts.push_back("layer " + std::to_string(layer) + ": " + entry);
    };

    size_t base = 0;
    for (; base < layerCount; ++base) {
        progress.checkCancelled();
        if (auto bytes = readLayerHive(source, base, configPath, progress)) {
            add(base, configPath, std::move(*bytes));
            break;
        }
    }
    if (readers.empty())
        throw Error({sourceName, {}, configPath, {}},
                    "no layer has this config hive, so there is no registry to merge the deltas into");
    for (size_t i = base + 1; i < layerCount; ++i) {
        progress.checkCancelled();
        if (auto bytes = readLayerHive(source, i, deltaPath, progress))
            add(i, deltaPath, std::move(*bytes));
    }

    std::vector<const hive::HiveReader::Key*> stack;
    for (const hive::HiveReader& reader : readers)
        stack.push_back(reader.root());
    hive::HiveWriteOptions options;
    options.fileName = out.name;
    out.bytes = hive::HiveWriter::write(hive::mergeLayeredHive(stack), options);
    return out;
}

} // namespace layerscope::image
