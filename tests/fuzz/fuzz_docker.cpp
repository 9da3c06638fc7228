// SPDX-License-Identifier: Apache-2.0
// `docker save` archives, legacy and OCI-style: manifest.json, the configs and layer paths it names, read by
// readDockerArchive from an input holding every file (see fuzzsupport::imageStore for the format).
#include "fuzzsupport.h"
#include "image/dockerarchivereader.h"
#include "image/imagesource.h"

namespace {

// Only a whole ".." component climbs; "abc.." is an ordinary (if odd) name.
bool climbs(std::string_view path)
{
    while (!path.empty()) {
        const size_t end = path.find_first_of("/\\");
        if (path.substr(0, end) == "..")
            return true;
        path = end == std::string_view::npos ? std::string_view() : path.substr(end + 1);
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    const fuzzsupport::MemoryBlobStore store = fuzzsupport::imageStore(fuzzsupport::text(data, size));
    try {
        image::Image image;
        image::readDockerArchive(store, {}, image);
        for (const auto& layer : image.layers)
            FUZZ_CHECK(!climbs(layer.blobPath), "a layer path climbing out of the archive");
    } catch (const Error&) { }
    return 0;
}
