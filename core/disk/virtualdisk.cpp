// SPDX-License-Identifier: Apache-2.0
#include "disk/virtualdisk.h"

#include "common/error.h"
#include "disk/libyal.h"
#include "disk/libyalerror.h"
#include "disk/readeriohandle.h"
#include "image/diskinfo.h"
#include "image/filerangesource.h"
#include "image/vhdxlog.h"
#include "io/platformfile.h"

#include <cstring>
#include <mutex>
#include <vector>

namespace layerscope::disk {

namespace fs = std::filesystem;

namespace {

// libvhdi's own message for the last failure, one line.
std::string vhdiMessage(libvhdi_error_t*& error)
{
    return libyalMessage(error, libvhdi_error_sprint, libvhdi_error_free, "libvhdi");
}

struct FileDeleter
{
    void operator()(libvhdi_file_t* file) const
    {
        libvhdi_file_close(file, nullptr);
        libvhdi_file_free(&file, nullptr);
    }
};
using FileHandle = std::unique_ptr<libvhdi_file_t, FileDeleter>;

// One disk of a chain, read by libvhdi through our own libbfio handle: over the file (opened as every file here is,
// with wide-character and long-path support on Windows, where libvhdi's own narrow-path open fails), or, for a disk
// not closed cleanly, over the file with its log replayed in memory (libvhdi ignores logs and would hand out the
// blocks as they were before the disk's last writes). Members are destroyed bottom up: libvhdi lets go of the handle
// before the handle lets go of what it reads.
struct ChainDisk
{
    std::unique_ptr<image::FileRangeSource> file;
    std::unique_ptr<image::VhdxReplay> replay;
    std::unique_ptr<ReaderIoHandle> io;
    FileHandle vhdi;
};

// A differencing chain deeper than this is a loop (a disk naming itself, or two naming each other).
constexpr int MaxChainDepth = 64;

// Opens `path` and, for a differencing disk, its parents, appending each to `chain` (the disk first): libvhdi keeps
// a pointer to the parent, so every parent must outlive its child.
void openChain(const fs::path& path, std::vector<ChainDisk>& chain)
{
    const std::string name = io::pathToUtf8(path);
    if (chain.size() > MaxChainDepth)
        throw Error({name, {}, {}, {}}, "differencing disk chain deeper than 64 (a loop of parents?)");
    // Our own header reader first, for the disk and each parent: it checks the checksums libvhdi 20210425 does not,
    // and finds the log to replay.
    const image::VhdxInfo info = image::readDiskInfo(path);
    ChainDisk disk;
    ReaderIoHandle::Read read;
    uint64_t size = 0;
    if (info.log) {
        disk.replay = std::make_unique<image::VhdxReplay>(path, info.log->region);
        size = disk.replay->size();
        read = [replay = disk.replay.get()](uint64_t offset, void* buffer, size_t length) {
            return replay->readAt(offset, buffer, length);
        };
    } else {
        size = info.fileSize;
        disk.file = std::make_unique<image::FileRangeSource>(path, 0, size, name);
        read = [file = disk.file.get()](uint64_t offset, void* buffer, size_t length) {
            return file->readAt(offset, buffer, length);
        };
    }
    disk.io = std::make_unique<ReaderIoHandle>(name, size, std::move(read));
    libvhdi_error_t* error = nullptr;
    libvhdi_file_t* raw = nullptr;
    if (libvhdi_file_initialize(&raw, &error) != 1)
        throw Error({name, {}, {}, {}}, vhdiMessage(error));
    if (libvhdi_file_open_file_io_handle(raw, disk.io->handle(), LIBVHDI_OPEN_READ, &error) != 1) {
        libvhdi_file_free(&raw, nullptr);
        const std::string readError = disk.io->lastReadError();
        throw Error({name, {}, {}, 0},
                    "not a readable VHDX/VHD disk: " + (readError.empty() ? vhdiMessage(error) : readError));
    }
    disk.vhdi.reset(raw);
    chain.push_back(std::move(disk));
    uint32_t diskType = 0;
    if (libvhdi_file_get_disk_type(raw, &diskType, &error) != 1)
        throw Error({name, {}, {}, {}}, vhdiMessage(error));
    if (diskType != LIBVHDI_DISK_TYPE_DIFFERENTIAL)
        return;

    size_t parentSize = 0;
    if (libvhdi_file_get_utf8_parent_filename_size(raw, &parentSize, &error) != 1 || parentSize == 0)
        throw Error({name, {}, {}, {}}, "differencing disk without a parent file name: " + vhdiMessage(error));
    std::vector<uint8_t> parentName(parentSize + 1);
    if (libvhdi_file_get_utf8_parent_filename(raw, parentName.data(), parentSize, &error) != 1)
        throw Error({name, {}, {}, {}}, vhdiMessage(error));
    const std::string recorded(reinterpret_cast<const char*>(parentName.data()));
    // The name is a Windows path (".\blank-base.vhdx", "C:\...\base.vhdx"); only its last component is looked up,
    // beside the child, since absolute paths of the machine that wrote it mean nothing here.
    std::string leaf = recorded;
    const size_t cut = leaf.find_last_of("\\/");
    if (cut != std::string::npos)
        leaf.erase(0, cut + 1);
    const fs::path parentPath = path.parent_path() / fs::u8path(leaf);
    std::error_code ec;
    if (leaf.empty() || !fs::is_regular_file(parentPath, ec))
        throw Error({name, {}, {}, {}},
                    "differencing disk whose parent \"" + recorded + "\" is missing (looked for "
                        + io::pathToUtf8(parentPath) + ")");
    openChain(parentPath, chain);
    // chain.back() is the parent just opened (or, for a deeper chain, opened its own parents after it).
    libvhdi_file_t* parent = nullptr;
    for (size_t i = chain.size(); i-- > 0;)
        if (chain[i].vhdi.get() == raw) {
            parent = chain[i + 1].vhdi.get();
            break;
        }
    if (libvhdi_file_set_parent_file(raw, parent, &error) != 1)
        throw Error({name, {}, {}, {}},
                    "parent " + io::pathToUtf8(parentPath) + " does not fit this disk: " + vhdiMessage(error));
}

} // namespace

struct VirtualDisk::Impl
{
    std::vector<ChainDisk> chain; // the disk first, then its parents
    mutable std::mutex mutex; // libvhdi's reads move one shared offset

    // NTFS is read in 1 KiB MFT records and 4 KiB index blocks, mostly close together; libvhdi turns every read into
    // a seek and a read of the file. A few aligned 64 KiB blocks kept here serve the small reads (a 100,000-file
    // volume's walk makes some 10x fewer system calls).
    static constexpr size_t CacheBlock = 64 * 1024;
    static constexpr size_t CacheBlocks = 32;
    struct Cached
    {
        uint64_t block = UINT64_MAX;
        uint64_t lastUse = 0;
        size_t size = 0;
        std::unique_ptr<uint8_t[]> bytes;
    };
    std::vector<Cached> cache = std::vector<Cached>(CacheBlocks);
    uint64_t uses = 0;

    ~Impl()
    {
        // Children before parents.
        for (auto& disk : chain)
            disk.vhdi.reset();
    }
};

VirtualDisk::VirtualDisk(const fs::path& path)
    : m_impl(std::make_unique<Impl>())
    , m_name(io::pathToUtf8(path))
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw Error({m_name, {}, {}, {}}, "no such disk file");
    openChain(path, m_impl->chain);
    libvhdi_error_t* error = nullptr;
    size64_t size = 0;
    if (libvhdi_file_get_media_size(m_impl->chain.front().vhdi.get(), &size, &error) != 1)
        throw Error({m_name, {}, {}, {}}, vhdiMessage(error));
    m_size = size;
}

VirtualDisk::~VirtualDisk() = default;

size_t VirtualDisk::readAt(uint64_t offset, void* buffer, size_t length) const
{
    if (offset >= m_size)
        return 0;
    if (length > m_size - offset)
        length = size_t(m_size - offset);
    std::lock_guard lock(m_impl->mutex);
    const auto readDisk = [&](uint64_t at, void* into, size_t size) {
        libvhdi_error_t* error = nullptr;
        const ssize_t n
            = libvhdi_file_read_buffer_at_offset(m_impl->chain.front().vhdi.get(), into, size, off64_t(at), &error);
        if (n < 0)
            throw Error({m_name, {}, {}, at}, "cannot read the disk's data: " + vhdiMessage(error));
        return size_t(n);
    };
    constexpr size_t Block = Impl::CacheBlock;
    const uint64_t block = offset / Block;
    if (length > Block || (offset + length - 1) / Block != block)
        return readDisk(offset, buffer, length); // large or straddling: straight through
    Impl::Cached* slot = nullptr;
    for (Impl::Cached& c : m_impl->cache) {
        if (c.block == block) {
            slot = &c;
            break;
        }
        if (!slot || c.lastUse < slot->lastUse)
            slot = &c; // the least recently used, should the block not be here
    }
    if (slot->block != block) {
        if (!slot->bytes)
            slot->bytes = std::make_unique_for_overwrite<uint8_t[]>(Block);
        slot->block = UINT64_MAX; // until the read succeeds
        slot->size
            = readDisk(block * Block, slot->bytes.get(), size_t(std::min<uint64_t>(Block, m_size - block * Block)));
        slot->block = block;
    }
    slot->lastUse = ++m_impl->uses;
    const size_t inBlock = size_t(offset - block * Block);
    const size_t n = inBlock >= slot->size ? 0 : std::min(length, slot->size - inBlock);
    std::memcpy(buffer, slot->bytes.get() + inBlock, n);
    return n;
}

} // namespace layerscope::disk
