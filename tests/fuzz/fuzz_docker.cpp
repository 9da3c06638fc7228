// SPDX-License-Identifier: Apache-2.0
// `docker save` archives, legacy and OCI-style: manifest.json, the configs and layer paths it names, read by
// readDockerArchive from an input holding every file (see fuzzsupport::imageStore for the format).
#include "fuzzsupport.h"
#include "image/dockerarchivereader.h"
#include "image/imagesource.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    const fuzzsupport::MemoryBlobStore store = fuzzsupport::imageStore(fuzzsupport::text(data, size));
    try {
        image::Image image;
        image::readDockerArchive(store, {}, image);
        for (const auto& layer : image.layers)
            FUZZ_CHECK(layer.blobPath.find("..") == std::string::npos, "a layer path climbing out of the archive");
    } catch (const Error&) { }
    return 0;
}
