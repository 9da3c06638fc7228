// SPDX-License-Identifier: Apache-2.0
#include "image/imageconfig.h"

#include "common/error.h"
#include "image/chainid.h"
#include "image/descriptor.h"

namespace layerscope::image {

using nlohmann::json;

ImageConfig ImageConfig::parse(const JsonDocument& doc)
{
    const json& root = doc.object(doc.root(), "$");
    ImageConfig c;
    c.os = doc.optionalString(root, "$", "os").value_or(std::string());
    c.architecture = doc.optionalString(root, "$", "architecture").value_or(std::string());
    c.variant = doc.optionalString(root, "$", "variant").value_or(std::string());
    c.osVersion = doc.optionalString(root, "$", "os.version").value_or(std::string());
    c.osFeatures = doc.optionalStrings(root, "$", "os.features");
    c.created = doc.optionalString(root, "$", "created").value_or(std::string());
    c.author = doc.optionalString(root, "$", "author").value_or(std::string());

    const json& rootfs = doc.object(doc.member(root, "$", "rootfs"), "$.rootfs");
    const std::string type = doc.requiredString(rootfs, "$.rootfs", "type");
    if (type != "layers")
        doc.fail("$.rootfs.type", "is \"" + type + "\", expected \"layers\"");
    const json& diffIds = doc.array(doc.member(rootfs, "$.rootfs", "diff_ids"), "$.rootfs.diff_ids");
    for (size_t i = 0; i < diffIds.size(); ++i) {
        const std::string path = JsonDocument::elementPath("$.rootfs.diff_ids", i);
        std::string diffId = doc.string(diffIds[i], path);
        checkDigest(diffId, doc.file(), path);
        c.diffIds.push_back(std::move(diffId));
    }

    if (const json* history = doc.optionalMember(root, "history")) {
        doc.array(*history, "$.history");
        for (size_t i = 0; i < history->size(); ++i) {
            const std::string path = JsonDocument::elementPath("$.history", i);
            const json& h = doc.object((*history)[i], path);
            History entry;
            entry.created = doc.optionalString(h, path, "created").value_or(std::string());
            entry.createdBy = doc.optionalString(h, path, "created_by").value_or(std::string());
            entry.comment = doc.optionalString(h, path, "comment").value_or(std::string());
            if (const json* empty = doc.optionalMember(h, "empty_layer")) {
                if (!empty->is_boolean())
                    doc.fail(JsonDocument::memberPath(path, "empty_layer"), "expected true or false");
                entry.emptyLayer = empty->get<bool>();
            }
            c.history.push_back(std::move(entry));
        }
    }
    return c;
}

void ImageConfig::applyTo(Image& image, const std::string& file) const
{
    image.os = os;
    image.architecture = architecture;
    image.variant = variant;
    image.osVersion = osVersion;
    image.osFeatures = osFeatures;
    image.created = created;
    image.author = author;
    if (diffIds.size() != image.layers.size())
        throw Error({file, {}, {}, {}},
                    "$.rootfs.diff_ids: lists " + std::to_string(diffIds.size()) + " layers but the manifest lists "
                        + std::to_string(image.layers.size()));
    image.chainIds = computeChainIds(diffIds);
    for (size_t i = 0; i < diffIds.size(); ++i) {
        image.layers[i].diffId = diffIds[i];
        image.layers[i].chainId = image.chainIds[i];
    }
    size_t layer = 0;
    size_t withLayer = 0;
    for (const History& h : history) {
        if (h.emptyLayer)
            continue;
        ++withLayer;
        if (layer < image.layers.size()) {
            image.layers[layer].createdBy = h.createdBy;
            image.layers[layer].created = h.created;
            image.layers[layer].comment = h.comment;
        }
        ++layer;
    }
    if (!history.empty() && withLayer != image.layers.size())
        image.notes.push_back("config history has " + std::to_string(withLayer)
                              + " entries that made a layer, but the image has " + std::to_string(image.layers.size())
                              + " layers; created-by lines may be misaligned");
}

} // namespace layerscope::image
