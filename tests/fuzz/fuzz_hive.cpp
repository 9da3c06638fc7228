// SPDX-License-Identifier: Apache-2.0
// regf hives (config hives, Hives/*_Delta, BCD stores): the validating reader, then everything the CLI's `hive`
// command and the app's hive browser do with the result — the JSON and text dumps, path lookups, and each value
// rendered for the list (short and long previews).
#include "common/error.h"
#include "fuzzsupport.h"
#include "hive/hivereader.h"
#include "hive/hivevalue.h"
#include "hive/hivewriter.h"
#include "hive/layeredhive.h"

namespace {

using layerscope::hive::HiveReader;
using layerscope::hive::HiveWriter;
using layerscope::hive::mergeLayeredHive;

// `addressable`: every name on the way here is non-empty and free of '\\', so the path names exactly this key.
void visit(const HiveReader& reader, const HiveReader::Key& key, const std::string& path, bool addressable,
           size_t& budget)
{
    if (budget == 0)
        return;
    --budget;
    for (const auto& value : key.values) {
        (void)layerscope::hive::valueTypeName(value.type);
        (void)layerscope::hive::renderValueData(value.type, value.data);
        (void)layerscope::hive::renderValueData(value.type, value.data, 4096);
        (void)layerscope::hive::valueDataToJson(value.type, value.data);
        FUZZ_CHECK(key.value(value.name) != nullptr, "a listed value is not found by its name");
    }
    for (const auto& sub : key.subkeys) {
        const std::string subPath = path.empty() ? sub.name : path + "\\" + sub.name;
        const bool subAddressable = addressable && !sub.name.empty() && sub.name.find('\\') == std::string::npos;
        if (subAddressable && !reader.find(subPath))
            std::fprintf(stderr, "key path \"%s\" (offset %llu)\n", subPath.c_str(),
                         static_cast<unsigned long long>(sub.offset));
        FUZZ_CHECK(!subAddressable || reader.find(subPath) != nullptr, "a listed key is not found by its path");
        visit(reader, sub, subPath, subAddressable, budget);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const HiveReader reader({data, size});
    (void)reader.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    (void)reader.toText();
    (void)reader.valid();
    if (const HiveReader::Key* root = reader.root()) {
        size_t budget = 100000;
        visit(reader, *root, "", true, budget);
        // The merged-registry view: the hive as a delta over itself, its layer bits and tombstones applied, then
        // written as an ordinary hive (names the writer refuses end in layerscope::Error).
        const HiveReader::Key* stack[] = {root, root};
        try {
            const HiveReader merged(HiveWriter::write(mergeLayeredHive(stack)));
            FUZZ_CHECK(merged.root() != nullptr, "the merged view written as a hive reads back");
        } catch (const layerscope::Error&) { }
    }
    return 0;
}
