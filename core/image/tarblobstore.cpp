// SPDX-License-Identifier: Apache-2.0
#include "image/tarblobstore.h"

#include "common/error.h"
#include "image/filerangesource.h"
#include "io/filesource.h"
#include "io/platformfile.h"
#include "tar/tarreader.h"

namespace layerscope::image {

TarBlobStore::TarBlobStore(const std::filesystem::path& archive, Progress& progress)
    : m_archive(archive)
    , m_name(io::pathToUtf8(archive))
{
    io::FileSource file(archive);
    tar::TarReader reader(file);
    tar::TarHeader header;
    while (reader.next(header)) {
        if ((header.index & 0x3F) == 0) {
            progress.checkCancelled();
            progress.advance(file.storedPosition(), file.storedSize());
        }
        const std::string name = normalise(header.path);
        if (name.empty())
            continue;
        // Members are read in place, so a sparse member (whose stored bytes are not its content) cannot be one;
        // image writers never produce them.
        const bool regular = (header.type == tar::typeflag::Regular || header.type == tar::typeflag::RegularOld
                              || header.type == tar::typeflag::Contiguous)
            && !header.sparse;
        if (m_members.find(name) == m_members.end())
            m_order.push_back(name);
        Member member {header.dataOffset, regular ? header.size : 0, regular, {}};
        if (header.type == tar::typeflag::HardLink) {
            member.link = normalise(header.linkPath);
        } else if (header.type == tar::typeflag::Symlink) {
            // Relative to the link's folder; anything climbing out of the archive resolves to nothing.
            const size_t slash = name.rfind('/');
            const std::string folder = slash == std::string::npos ? std::string() : name.substr(0, slash + 1);
            try {
                member.link = checkedPath(folder + header.linkPath, m_name, name);
            } catch (const Error&) {
                member.link.clear();
            }
        }
        // A later member of the same name replaces the earlier one, as extraction would.
        m_members[name] = std::move(member);
    }
}

std::string TarBlobStore::normalise(std::string_view name)
{
    while (name.starts_with("./"))
        name.remove_prefix(2);
    while (name.starts_with("/"))
        name.remove_prefix(1);
    while (name.ends_with("/"))
        name.remove_suffix(1);
    return std::string(name == "." ? std::string_view() : name);
}

const TarBlobStore::Member* TarBlobStore::resolve(const std::string& path) const
{
    std::string current = path;
    for (int hops = 0; hops < 16; ++hops) {
        const auto it = m_members.find(current);
        if (it == m_members.end())
            return nullptr;
        if (it->second.regular)
            return &it->second;
        if (it->second.link.empty())
            return nullptr;
        current = it->second.link;
    }
    return nullptr;
}

bool TarBlobStore::exists(const std::string& path) const
{
    return resolve(path) != nullptr;
}

std::optional<uint64_t> TarBlobStore::size(const std::string& path) const
{
    const Member* member = resolve(path);
    if (!member)
        return std::nullopt;
    return member->size;
}

std::unique_ptr<io::ByteSource> TarBlobStore::open(const std::string& path) const
{
    const Member* member = resolve(path);
    if (!member)
        throw Error({displayName(path), {}, {}, {}}, "member is missing from the archive");
    return std::make_unique<FileRangeSource>(m_archive, member->dataOffset, member->size, displayName(path));
}

std::string TarBlobStore::displayName(const std::string& path) const
{
    return m_name + '@' + path;
}

} // namespace layerscope::image
