// SPDX-License-Identifier: Apache-2.0
#include "scratch/safefolder.h"

#include "common/error.h"
#include "io/platformfile.h"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

#if defined(__linux__)
#include <linux/fs.h> // RENAME_NOREPLACE
#endif

namespace layerscope::scratch {

namespace {

[[noreturn]] void fail(const std::filesystem::path& root, std::string_view relative, const std::string& what, int error)
{
    std::string name = io::pathToUtf8(root);
    if (!relative.empty())
        name += "/" + std::string(relative);
    throw Error({name, {}, {}, {}}, what + ": " + std::strerror(error));
}

class Fd
{
public:
    explicit Fd(int fd = -1)
        : m_fd(fd)
    { }
    ~Fd() { reset(); }
    Fd(Fd&& o) noexcept
        : m_fd(o.m_fd)
    {
        o.m_fd = -1;
    }
    Fd& operator=(Fd&& o) noexcept
    {
        if (this != &o) {
            reset();
            m_fd = o.m_fd;
            o.m_fd = -1;
        }
        return *this;
    }
    int get() const { return m_fd; }
    int release()
    {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }
    void reset()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd;
};

constexpr int DirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

timespec toTimespec(const wcow::PaxTime& t)
{
    timespec ts {};
    ts.tv_sec = static_cast<time_t>(t.seconds);
    ts.tv_nsec = static_cast<long>(t.nanoseconds);
    return ts;
}

class FdSink final : public io::ByteSink
{
public:
    FdSink(Fd fd, std::string name)
        : m_fd(std::move(fd))
        , m_name(std::move(name))
    { }
    void write(const void* data, size_t size) override
    {
        const auto* bytes = static_cast<const uint8_t*>(data);
        while (size > 0) {
            const ssize_t n = ::write(m_fd.get(), bytes, size);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                throw Error({m_name, {}, {}, {}}, std::string("cannot write: ") + std::strerror(errno));
            }
            bytes += n;
            size -= size_t(n);
        }
    }
    void finish() override
    {
        const int fd = m_fd.release();
        if (fd >= 0 && ::close(fd) != 0)
            throw Error({m_name, {}, {}, {}}, std::string("cannot close: ") + std::strerror(errno));
    }

private:
    Fd m_fd;
    std::string m_name;
};

} // namespace

struct SafeFolder::Impl
{
    Fd root;
    // The parent folder of the previous call: layers list siblings together, so one cached descriptor saves
    // most of the per-component opens. Dropped on remove(), which may delete the folder it refers to.
    std::string cachedPath;
    Fd cachedFd;

    // Opens the parent folder of `relative` by walking its components from the root without following links;
    // returns its descriptor (owned by the cache or the root) and sets `leaf`.
    int parentOf(const std::filesystem::path& rootPath, std::string_view relative, std::string_view& leaf)
    {
        const size_t slash = relative.rfind('/');
        leaf = slash == std::string_view::npos ? relative : relative.substr(slash + 1);
        if (slash == std::string_view::npos)
            return root.get();
        const std::string_view parent = relative.substr(0, slash);
        if (cachedFd.get() >= 0 && cachedPath == parent)
            return cachedFd.get();
        Fd current(::dup(root.get()));
        if (current.get() < 0)
            fail(rootPath, parent, "cannot open folder", errno);
        for (size_t start = 0;;) {
            const size_t end = parent.find('/', start);
            const std::string component(parent.substr(start, end - start));
            Fd next(::openat(current.get(), component.c_str(), DirFlags));
            if (next.get() < 0) {
                const int error = errno;
                // ELOOP: the component is a symbolic link; ENOTDIR: a file or a link on systems that report that.
                if (error == ELOOP || error == ENOTDIR)
                    throw Error({io::pathToUtf8(rootPath) + "/" + std::string(parent.substr(0, end)), {}, {}, {}},
                                "is a link or not a folder; refusing to write through it");
                fail(rootPath, parent.substr(0, end), "cannot open folder", error);
            }
            current = std::move(next);
            if (end == std::string_view::npos)
                break;
            start = end + 1;
        }
        cachedFd = std::move(current);
        cachedPath = std::string(parent);
        return cachedFd.get();
    }

    void removeAt(const std::filesystem::path& rootPath, std::string_view display, int parent, const char* name)
    {
        struct stat st
        { };
        if (::fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno == ENOENT)
                return;
            fail(rootPath, display, "cannot examine", errno);
        }
        if (S_ISDIR(st.st_mode)) {
            const int fd = ::openat(parent, name, DirFlags);
            if (fd < 0)
                fail(rootPath, display, "cannot open folder", errno);
            DIR* dir = ::fdopendir(fd);
            if (!dir) {
                const int error = errno;
                ::close(fd);
                fail(rootPath, display, "cannot list folder", error);
            }
            std::vector<std::string> names;
            while (dirent* e = ::readdir(dir)) {
                const std::string_view n = e->d_name;
                if (n != "." && n != "..")
                    names.emplace_back(n);
            }
            for (const auto& n : names) {
                try {
                    removeAt(rootPath, std::string(display) + "/" + n, ::dirfd(dir), n.c_str());
                } catch (...) {
                    ::closedir(dir);
                    throw;
                }
            }
            ::closedir(dir);
            if (::unlinkat(parent, name, AT_REMOVEDIR) != 0)
                fail(rootPath, display, "cannot remove folder", errno);
        } else if (::unlinkat(parent, name, 0) != 0 && errno != ENOENT) {
            fail(rootPath, display, "cannot remove", errno);
        }
    }
};

SafeFolder::SafeFolder(const std::filesystem::path& root)
    : m_root(root)
    , m_impl(std::make_unique<Impl>())
{
    m_impl->root = Fd(::open(root.c_str(), DirFlags));
    if (m_impl->root.get() < 0)
        fail(root, {}, "cannot open folder", errno);
}

SafeFolder::~SafeFolder() = default;

void SafeFolder::createDirectory(std::string_view relative)
{
    std::string_view leaf;
    const int parent = m_impl->parentOf(m_root, relative, leaf);
    if (::mkdirat(parent, std::string(leaf).c_str(), 0755) != 0)
        fail(m_root, relative, "cannot create folder", errno);
}

std::unique_ptr<io::ByteSink> SafeFolder::createFile(std::string_view relative)
{
    std::string_view leaf;
    const int parent = m_impl->parentOf(m_root, relative, leaf);
    Fd fd(::openat(parent, std::string(leaf).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (fd.get() < 0)
        fail(m_root, relative, "cannot create file", errno);
    return std::make_unique<FdSink>(std::move(fd), io::pathToUtf8(m_root) + "/" + std::string(relative));
}

void SafeFolder::createSymlink(std::string_view relative, const std::string& target, bool)
{
    std::string_view leaf;
    const int parent = m_impl->parentOf(m_root, relative, leaf);
    if (::symlinkat(target.c_str(), parent, std::string(leaf).c_str()) != 0)
        fail(m_root, relative, "cannot create symbolic link", errno);
}

void SafeFolder::createHardLink(std::string_view relative, std::string_view existing)
{
    // Two parents at once: the cache holds one, so the target's parent is opened into a descriptor of our own.
    std::string_view existingLeaf;
    Fd existingParent(::dup(m_impl->parentOf(m_root, existing, existingLeaf)));
    if (existingParent.get() < 0)
        fail(m_root, existing, "cannot open folder", errno);
    const std::string existingName(existingLeaf);
    std::string_view leaf;
    const int parent = m_impl->parentOf(m_root, relative, leaf);
    struct stat st
    { };
    if (::fstatat(existingParent.get(), existingName.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        fail(m_root, existing, "hard-link target cannot be examined", errno);
    if (!S_ISREG(st.st_mode))
        throw Error({io::pathToUtf8(m_root) + "/" + std::string(relative), {}, {}, {}},
                    "hard-link target " + std::string(existing) + " is not a regular file");
    // flags 0: linkat never follows a symbolic link in the last component of the target.
    if (::linkat(existingParent.get(), existingName.c_str(), parent, std::string(leaf).c_str(), 0) != 0)
        fail(m_root, relative, "cannot create hard link", errno);
}

void SafeFolder::remove(std::string_view relative)
{
    std::string_view leaf;
    const int parent = m_impl->parentOf(m_root, relative, leaf);
    const Fd keep(::dup(parent)); // the cache is about to be dropped
    m_impl->cachedFd.reset();
    m_impl->cachedPath.clear();
    m_impl->removeAt(m_root, relative, keep.get(), std::string(leaf).c_str());
}

void SafeFolder::setTimes(std::string_view relative, const wcow::PaxTime& modified, const wcow::PaxTime& accessed)
{
    const timespec times[2] = {toTimespec(accessed), toTimespec(modified)};
    if (relative.empty()) {
        if (::futimens(m_impl->root.get(), times) != 0)
            fail(m_root, relative, "cannot set times", errno);
        return;
    }
    std::string_view leaf;
    const int parent = m_impl->parentOf(m_root, relative, leaf);
    if (::utimensat(parent, std::string(leaf).c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
        fail(m_root, relative, "cannot set times", errno);
}

bool SafeFolder::renameNoReplace(const std::filesystem::path& from, const std::filesystem::path& to)
{
#if defined(__linux__) && defined(SYS_renameat2)
    if (::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
        return true;
    if (errno == EEXIST)
        return false;
    if (errno != ENOSYS && errno != EINVAL)
        fail(to, {}, "cannot move into place", errno);
#endif
    // No atomic no-replace rename here: check, then rename (a folder created in between would be replaced only
    // if empty, since rename() refuses non-empty targets).
    struct stat st
    { };
    if (::lstat(to.c_str(), &st) == 0)
        return false;
    if (::rename(from.c_str(), to.c_str()) != 0)
        fail(to, {}, "cannot move into place", errno);
    return true;
}

} // namespace layerscope::scratch
