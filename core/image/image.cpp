// SPDX-License-Identifier: Apache-2.0
#include "image/image.h"

namespace layerscope::image {

const char* sourceKindName(SourceKind kind)
{
    switch (kind) {
    case SourceKind::OciLayout:
        return "oci-layout";
    case SourceKind::OciArchive:
        return "oci-archive";
    case SourceKind::DockerArchive:
        return "docker-archive";
    case SourceKind::Layer:
        return "layer";
    case SourceKind::LayerFolder:
        return "layer-folder";
    case SourceKind::Folder:
        return "folder";
    case SourceKind::Disk:
        return "disk";
    }
    return "unknown";
}

std::string PlatformInfo::text() const
{
    std::string out = os + '/' + architecture;
    if (!variant.empty())
        out += '/' + variant;
    if (!osVersion.empty())
        out += ':' + osVersion;
    return out;
}

bool Image::isWindows() const
{
    return os == "windows";
}

std::string tooManyLayers(size_t count)
{
    return "lists " + std::to_string(count) + " layers; LayerScope reads at most " + std::to_string(MaxLayers)
        + " (Docker's layer store refuses more than 125)";
}

} // namespace layerscope::image
