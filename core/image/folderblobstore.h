// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "image/blobstore.h"

#include <filesystem>

namespace layerscope::image {

// The files of an image source that is a folder on disk (an OCI layout, an extracted docker save archive).
class FolderBlobStore final : public BlobStore
{
public:
    explicit FolderBlobStore(std::filesystem::path root);

    bool exists(const std::string& path) const override;
    std::optional<uint64_t> size(const std::string& path) const override;
    std::unique_ptr<io::ByteSource> open(const std::string& path) const override;
    std::string displayName(const std::string& path) const override;
    const std::string& name() const override { return m_name; }

private:
    std::filesystem::path m_root;
    std::string m_name;
};

} // namespace layerscope::image
