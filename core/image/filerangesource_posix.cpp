// SPDX-License-Identifier: Apache-2.0
#include "image/filerangesource.h"

#include "common/error.h"
#include "io/platformfile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace layerscope::image {

FileRangeSource::FileRangeSource(const std::filesystem::path& path, uint64_t offset, uint64_t length, std::string name)
    : m_offset(offset)
    , m_length(length)
    , m_name(std::move(name))
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw Error({io::pathToUtf8(path), {}, {}, {}}, std::string("cannot open: ") + std::strerror(errno));
    m_handle = fd;
#if defined(POSIX_FADV_SEQUENTIAL)
    ::posix_fadvise(fd, static_cast<off_t>(offset), static_cast<off_t>(length), POSIX_FADV_SEQUENTIAL);
#endif
}

FileRangeSource::~FileRangeSource()
{
    if (m_handle >= 0)
        ::close(static_cast<int>(m_handle));
}

size_t FileRangeSource::readAt(uint64_t at, void* buffer, size_t size) const
{
    for (;;) {
        const ssize_t n = ::pread(static_cast<int>(m_handle), buffer, size, static_cast<off_t>(at));
        if (n >= 0)
            return static_cast<size_t>(n);
        if (errno != EINTR)
            throw Error({m_name, {}, {}, at >= m_offset ? at - m_offset : at},
                        std::string("read failed: ") + std::strerror(errno));
    }
}

} // namespace layerscope::image
