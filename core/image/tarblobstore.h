// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "image/blobstore.h"

#include <filesystem>
#include <map>
#include <vector>

namespace layerscope::image {

// The members of an uncompressed tar (an OCI archive or a docker save archive), read in place: the archive's
// headers are walked once with tar::TarReader to learn where each member's data sits, and a member is then read
// through a FileRangeSource over that byte range. Nothing is extracted.
class TarBlobStore final : public BlobStore
{
public:
    struct Member
    {
        uint64_t dataOffset = 0;
        uint64_t size = 0;
        bool regular = false;
        std::string link; // member named by a hard link or symbolic link, resolved inside the archive
    };

    // Throws layerscope::Error when the file is not a readable plain tar.
    explicit TarBlobStore(const std::filesystem::path& archive, Progress& progress = Progress::none());

    bool exists(const std::string& path) const override;
    std::optional<uint64_t> size(const std::string& path) const override;
    std::unique_ptr<io::ByteSource> open(const std::string& path) const override;
    std::string displayName(const std::string& path) const override;
    const std::string& name() const override { return m_name; }

    // Member names in archive order (normalised: no "./", no trailing '/').
    const std::vector<std::string>& names() const { return m_order; }

    // Normalises a tar member name the way lookups use it.
    static std::string normalise(std::string_view name);

private:
    // Follows links (docker save writes a symbolic link for a layer.tar it already wrote, ../<id>/layer.tar) to the
    // member holding the data; nullptr when absent or when the links go round.
    const Member* resolve(const std::string& path) const;

    std::filesystem::path m_archive;
    std::string m_name;
    std::map<std::string, Member> m_members;
    std::vector<std::string> m_order;
};

} // namespace layerscope::image
