// SPDX-License-Identifier: Apache-2.0
// On-disk Windows layer folders (wcow-layer-format §2.1): the input holds up to three layerchain.json files,
// separated by "\n---\n", for a top folder "top" and two sibling layer folders "p1" and "p2" in one windowsfilter
// folder; readLayerFolder follows the chain from "top". Cycles, parents outside, odd JSON must end in Error.
#include "fuzzsupport.h"
#include "image/layerfolderreader.h"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    const fs::path root = fuzzsupport::ScratchFolder::path() / "windowsfilter";
    static const bool made = [&] {
        for (const char* id : {"top", "p1", "p2"})
            fs::create_directories(root / id / "Files");
        return true;
    }();
    (void)made;
    const auto parts = fuzzsupport::split(fuzzsupport::text(data, size), "\n---\n", 3);
    const char* ids[] = {"top", "p1", "p2"};
    for (size_t i = 0; i < 3; ++i) {
        const fs::path file = root / ids[i] / "layerchain.json";
        std::error_code ec;
        fs::remove(file, ec);
        if (i < parts.size()) // writeFile creates it anew
            fuzzsupport::writeFile(file, {reinterpret_cast<const uint8_t*>(parts[i].data()), parts[i].size()});
    }
    try {
        image::Image image;
        image::readLayerFolder(root / "top", image);
        FUZZ_CHECK(!image.layers.empty(), "a chain without its top layer");
    } catch (const Error&) { }
    return 0;
}
