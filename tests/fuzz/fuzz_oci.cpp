// SPDX-License-Identifier: Apache-2.0
// OCI image layouts: oci-layout, index.json, nested indexes, manifests and configs, from an input that holds all of
// them (see fuzzsupport::imageStore for the format and how digests are filled in), read by readOciLayout with and
// without a platform wish.
#include "fuzzsupport.h"
#include "image/imagesource.h"
#include "image/ocilayoutreader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    const fuzzsupport::MemoryBlobStore store = fuzzsupport::imageStore(fuzzsupport::text(data, size));
    for (const char* platform : {"", "windows/amd64"}) {
        try {
            image::Image image;
            image::OpenOptions options;
            options.platform = platform;
            image::readOciLayout(store, options, image);
            FUZZ_CHECK(!image.manifestDigest.empty(), "an image without a manifest digest");
            for (const auto& layer : image.layers)
                FUZZ_CHECK(layer.blobPath.starts_with("blobs/sha256/"), "a layer blob outside blobs/sha256");
        } catch (const Error&) { }
    }
    return 0;
}
