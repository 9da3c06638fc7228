// SPDX-License-Identifier: Apache-2.0
#include "scratch/chainblobs.h"

#include "common/error.h"
#include "image/folderblobstore.h"
#include "image/sourcedetector.h"
#include "io/filesource.h"
#include "io/platformfile.h"

namespace layerscope::scratch {

ChainBlobs::ChainBlobs(const std::filesystem::path& source, const image::Image& image, Progress& progress)
    : m_source(source)
    , m_image(image)
{
    switch (image.kind) {
    case image::SourceKind::Layer:
        break;
    case image::SourceKind::OciLayout:
    case image::SourceKind::OciArchive:
    case image::SourceKind::DockerArchive:
        if (std::filesystem::is_directory(source)) {
            m_store = std::make_unique<image::FolderBlobStore>(source);
        } else {
            image::Detection detection = image::detectSource(source, progress);
            if (!detection.archive)
                throw Error({io::pathToUtf8(source), {}, {}, {}}, "image archive changed while it was being read");
            m_store = std::move(detection.archive);
        }
        break;
    default:
        throw Error({io::pathToUtf8(source), {}, {}, {}},
                    std::string("a scratch layer needs an image (OCI layout or archive, docker archive) or a layer "
                                "blob; this is a ")
                        + image::sourceKindName(image.kind));
    }
}

ChainBlobs::~ChainBlobs() = default;

std::unique_ptr<io::ByteSource> ChainBlobs::openLayer(size_t i) const
{
    const image::LayerRef& layer = m_image.layers.at(i);
    if (!m_store)
        return std::make_unique<io::FileSource>(m_source);
    if (!layer.present)
        throw Error({m_store->displayName(layer.blobPath), {}, {}, {}},
                    "layer " + std::to_string(i) + " (" + (layer.digest.empty() ? layer.blobPath : layer.digest)
                        + ") is not in the source" + (layer.foreign ? " (a foreign layer: pull it first)" : ""));
    return m_store->open(layer.blobPath);
}

std::string ChainBlobs::layerName(size_t i) const
{
    if (!m_store)
        return io::pathToUtf8(m_source);
    return m_store->displayName(m_image.layers.at(i).blobPath);
}

} // namespace layerscope::scratch
