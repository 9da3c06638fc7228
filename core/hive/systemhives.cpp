// SPDX-License-Identifier: Apache-2.0
#include "systemhives.h"

namespace layerscope::hive {

std::vector<uint8_t> emptySystemHive(std::string_view fileName, const HiveWriteOptions& options)
{
    HiveWriteOptions o = options;
    o.fileName = std::string(fileName);
    return HiveWriter::write(HiveKey(std::string(kSystemHiveRootName)), o);
}

HiveKey minimalBcdTree(std::string_view description)
{
    HiveKey root {std::string(kBcdRootName)};
    root.child("Description")
        .set(HiveValue::string("KeyName", "BCD00000000"))
        .set(HiveValue::dword("FirmwareModified", 1));
    const std::string loader = "Objects\\" + std::string(kBcdLoaderGuid);
    root.path(loader + "\\Description").set(HiveValue::dword("Type", kBcdTypeOsLoader));
    root.path(loader + "\\Elements\\12000004").set(HiveValue::string("Element", description)); // description
    const std::string bootmgr = "Objects\\" + std::string(kBcdBootManagerGuid);
    root.path(bootmgr + "\\Description").set(HiveValue::dword("Type", kBcdTypeBootManager));
    root.path(bootmgr + "\\Elements\\23000003").set(HiveValue::string("Element", kBcdLoaderGuid)); // default object
    return root;
}

std::vector<uint8_t> minimalBcdStore(std::string_view description, const HiveWriteOptions& options)
{
    return HiveWriter::write(minimalBcdTree(description), options);
}

} // namespace layerscope::hive
