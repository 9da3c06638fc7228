// SPDX-License-Identifier: Apache-2.0
#include "image/folderblobstore.h"

#include "common/error.h"
#include "io/filesource.h"
#include "io/platformfile.h"

namespace layerscope::image {

FolderBlobStore::FolderBlobStore(std::filesystem::path root)
    : m_root(std::move(root))
    , m_name(io::pathToUtf8(m_root))
{ }

bool FolderBlobStore::exists(const std::string& path) const
{
    std::error_code ec;
    return std::filesystem::is_regular_file(m_root / std::filesystem::u8path(path), ec);
}

std::optional<uint64_t> FolderBlobStore::size(const std::string& path) const
{
    std::error_code ec;
    const auto n = std::filesystem::file_size(m_root / std::filesystem::u8path(path), ec);
    if (ec)
        return std::nullopt;
    return n;
}

std::unique_ptr<io::ByteSource> FolderBlobStore::open(const std::string& path) const
{
    if (!exists(path))
        throw Error({displayName(path), {}, {}, {}}, "file is missing");
    return std::make_unique<io::FileSource>(m_root / std::filesystem::u8path(path));
}

std::string FolderBlobStore::displayName(const std::string& path) const
{
    return io::pathToUtf8(m_root / std::filesystem::u8path(path));
}

} // namespace layerscope::image
