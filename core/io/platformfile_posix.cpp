// SPDX-License-Identifier: Apache-2.0
// POSIX side of PlatformFile. Plain file descriptors rather than iostreams: we need fsync, O_EXCL creation,
// posix_fadvise and exact control over buffering (the callers already hold large buffers).
#include "platformfile.h"

#include "common/error.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace layerscope::io {

namespace {

std::string reason(int error)
{
    return std::generic_category().message(error);
}

[[noreturn]] void fail(const std::string& name, const std::string& what, int error)
{
    throw Error(Error::Where {name, {}, {}, {}}, what + ": " + reason(error));
}

int fd(intptr_t handle)
{
    return static_cast<int>(handle);
}

} // namespace

std::string pathToUtf8(const std::filesystem::path& path)
{
    return path.string();
}

PlatformFile::~PlatformFile()
{
    if (isOpen())
        ::close(fd(m_handle));
}

PlatformFile::PlatformFile(PlatformFile&& other) noexcept
    : m_handle(std::exchange(other.m_handle, InvalidHandle))
    , m_name(std::move(other.m_name))
{ }

PlatformFile& PlatformFile::operator=(PlatformFile&& other) noexcept
{
    if (this != &other) {
        if (isOpen())
            ::close(fd(m_handle));
        m_handle = std::exchange(other.m_handle, InvalidHandle);
        m_name = std::move(other.m_name);
    }
    return *this;
}

PlatformFile PlatformFile::openForReading(const std::filesystem::path& path)
{
    const std::string name = pathToUtf8(path);
    int handle;
    do {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below, as every other non-file.
        handle = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    } while (handle < 0 && errno == EINTR);
    if (handle < 0)
        fail(name, "cannot open for reading", errno);
    struct stat info
    { };
    if (::fstat(handle, &info) == 0 && S_ISDIR(info.st_mode)) {
        ::close(handle);
        fail(name, "cannot open for reading", EISDIR);
    }
    if (!S_ISREG(info.st_mode)) {
        // Sources are opened more than once (detection peeks at the start, readers then read from the start): a
        // FIFO, socket or device would lose what the first open consumed, or block.
        ::close(handle);
        throw Error({name, {}, {}, {}},
                    "not a regular file (a FIFO, socket or device?); save the stream to a file first");
    }
    (void)::fcntl(handle, F_SETFL, ::fcntl(handle, F_GETFL) & ~O_NONBLOCK);
#if defined(POSIX_FADV_SEQUENTIAL)
    // Doubles the kernel's read-ahead window; layers are read once, front to back. Advice only, so the
    // result does not matter (it fails harmlessly on pipes).
    (void)::posix_fadvise(handle, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    return PlatformFile(handle, name);
}

std::optional<PlatformFile> PlatformFile::createNew(const std::filesystem::path& path)
{
    const std::string name = pathToUtf8(path);
    int handle;
    do {
        // 0666 filtered by the umask, like any new file; mkstemp's 0600 would leak into the renamed result.
        handle = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    } while (handle < 0 && errno == EINTR);
    if (handle < 0) {
        if (errno == EEXIST)
            return std::nullopt;
        fail(name, "cannot create", errno);
    }
    return PlatformFile(handle, name);
}

uint64_t PlatformFile::size() const
{
    struct stat info
    { };
    if (::fstat(fd(m_handle), &info) != 0)
        fail(m_name, "cannot query size", errno);
    return S_ISREG(info.st_mode) ? uint64_t(info.st_size) : 0;
}

size_t PlatformFile::read(void* buffer, size_t size)
{
    for (;;) {
        const ssize_t n = ::read(fd(m_handle), buffer, size);
        if (n >= 0)
            return size_t(n);
        if (errno != EINTR)
            fail(m_name, "read failed", errno);
    }
}

void PlatformFile::write(const void* data, size_t size)
{
    const auto* bytes = static_cast<const uint8_t*>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd(m_handle), bytes, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail(m_name, "write failed", errno);
        }
        bytes += n;
        size -= size_t(n);
    }
}

void PlatformFile::sync()
{
    if (::fsync(fd(m_handle)) != 0 && errno != EINVAL) // EINVAL: the file does not support syncing (a pipe)
        fail(m_name, "cannot flush to disk", errno);
}

void PlatformFile::close()
{
    if (!isOpen())
        return;
    const int handle = fd(std::exchange(m_handle, InvalidHandle));
    // close() can report a deferred write error (NFS); after it the descriptor is gone even on EINTR.
    if (::close(handle) != 0 && errno != EINTR)
        fail(m_name, "close failed", errno);
}

bool PlatformFile::moveInto(const std::filesystem::path& from, const std::filesystem::path& to, bool overwrite)
{
    if (!overwrite) {
        // link() fails with EEXIST atomically, so a file that appeared after our check is never replaced.
        if (::link(from.c_str(), to.c_str()) == 0) {
            ::unlink(from.c_str());
            return true;
        }
        if (errno == EEXIST)
            return false;
        // Some file systems (FAT, some FUSE mounts) have no hard links: fall back to check, then rename.
        const int linkError = errno;
        if (linkError != EPERM && linkError != ENOTSUP && linkError != EOPNOTSUPP && linkError != ENOSYS
            && linkError != EMLINK)
            fail(pathToUtf8(to), "cannot move into place", linkError);
        struct stat info
        { };
        if (::lstat(to.c_str(), &info) == 0)
            return false;
    }
    if (::rename(from.c_str(), to.c_str()) != 0)
        fail(pathToUtf8(to), "cannot move into place", errno);
    return true;
}

void PlatformFile::removeQuietly(const std::filesystem::path& path) noexcept
{
    ::unlink(path.c_str());
}

void PlatformFile::syncDirectory(const std::filesystem::path& directory) noexcept
{
    const int handle = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (handle < 0)
        return;
    (void)::fsync(handle);
    ::close(handle);
}

} // namespace layerscope::io
