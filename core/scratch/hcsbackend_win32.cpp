// SPDX-License-Identifier: Apache-2.0
// The Host Compute Service scratch backend (see hcsbackend.h). The vmcompute.dll entry points are declared here in
// our own words from their use in hcsshim (internal/wclayer: wclayer.go, layerutils.go); Microsoft does not
// document them. NOTE: this file is compiled only on Windows (MSVC) and has not been compiled or run on the Linux
// CI that tests the rest of the module; core/scratch/README.md says what has been exercised.
#include "scratch/hcsbackend.h"

#include "baselayer/imagepackager.h"
#include "common/error.h"
#include "image/imagesource.h"
#include "index/filestat.h"
#include "io/atomicfile.h"
#include "io/filesource.h"
#include "io/platformfile.h"
#include "io/win32path.h"
#include "scratch/scratchsession.h"
#include "tar/tarwriter.h"
#include "wcow/entrydecoder.h"
#include "wcow/fileattributes.h"
#include "wcow/paxtime.h"

#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>

namespace layerscope::scratch {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// struct DriverInfo { GraphDriverType Flavour; LPCWSTR HomeDir; } — hcsshim always passes the filter driver (1)
// and an empty home directory, naming every layer by its full path.
struct DriverInfo
{
    int flavour;
    LPCWSTR homeDir;
};

// WC_LAYER_DESCRIPTOR: the layer's GUID (NameToGuid of its folder name), flags (bit 31 "dirty"), its folder.
struct LayerDescriptor
{
    GUID layerId;
    ULONG flags;
    LPCWSTR path;
};

using IdFn = HRESULT(WINAPI*)(const DriverInfo*, LPCWSTR);
using CreateSandboxLayerFn = HRESULT(WINAPI*)(const DriverInfo*, LPCWSTR, LPCWSTR, const LayerDescriptor*, ULONG);
using PrepareLayerFn = HRESULT(WINAPI*)(const DriverInfo*, LPCWSTR, const LayerDescriptor*, ULONG);
using GetLayerMountPathFn = HRESULT(WINAPI*)(const DriverInfo*, LPCWSTR, ULONG_PTR*, LPWSTR);
using ExportLayerFn = HRESULT(WINAPI*)(const DriverInfo*, LPCWSTR, LPCWSTR, const LayerDescriptor*, ULONG);
using NameToGuidFn = HRESULT(WINAPI*)(LPCWSTR, GUID*);

std::string hresultText(HRESULT hr)
{
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%08lx", static_cast<unsigned long>(hr));
    return buffer;
}

std::wstring wide(const std::string& utf8)
{
    return fs::u8path(utf8).wstring();
}

std::string narrow(const std::wstring& text)
{
    return io::pathToUtf8(fs::path(text));
}

wcow::PaxTime paxOf(const FILETIME& ft)
{
    return wcow::fromFiletime((uint64_t(ft.dwHighDateTime) << 32) | ft.dwLowDateTime);
}

wcow::PaxTime nowTime()
{
    FILETIME ft;
    ::GetSystemTimeAsFileTime(&ft);
    return paxOf(ft);
}

// ExportLayer reads every file with backup semantics: the process needs SeBackupPrivilege and
// SeRestorePrivilege enabled (hcsshim wraps the call in winio.RunWithPrivileges). Enabling them is harmless when
// held and fails clearly when not (the caller must run elevated).
void enableBackupPrivileges()
{
    HANDLE token = nullptr;
    if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &token))
        throw Error("cannot open the process token to enable SeBackupPrivilege");
    // Wide literals rather than SE_BACKUP_NAME/SE_RESTORE_NAME, which follow the UNICODE setting.
    for (const wchar_t* name : {L"SeBackupPrivilege", L"SeRestorePrivilege"}) {
        TOKEN_PRIVILEGES p {};
        p.PrivilegeCount = 1;
        p.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
        if (!::LookupPrivilegeValueW(nullptr, name, &p.Privileges[0].Luid)
            || !::AdjustTokenPrivileges(token, FALSE, &p, 0, nullptr, nullptr)
            || ::GetLastError() == ERROR_NOT_ALL_ASSIGNED) {
            ::CloseHandle(token);
            throw Error("exporting a scratch layer needs SeBackupPrivilege and SeRestorePrivilege: run elevated");
        }
    }
    ::CloseHandle(token);
}

struct ExportedEntry
{
    enum Kind { Directory, File, Symlink, Junction, Whiteout };
    std::string path; // layer path: "Files/...", "Hives/..."
    Kind kind = File;
    fs::path source;
    uint64_t size = 0;
    uint32_t attributes = 0;
    wcow::PaxTime created;
    wcow::PaxTime modified;
    wcow::PaxTime accessed;
    std::string linkTarget;
};

// What ExportLayer wrote (§2.5): Files\ and Hives\ trees plus tombstones.txt (BOM + "Version 1.0", then one
// deleted path per line, starting with '\', relative to Files).
class ExportFolder
{
public:
    explicit ExportFolder(const fs::path& root)
    {
        for (const char* top : {"Files", "Hives"})
            if (fs::is_directory(fs::symlink_status(root / top)))
                walk(root / top, top);
        readTombstones(root / "tombstones.txt");
    }

    std::vector<ExportedEntry> entries;

private:
    void add(const fs::path& path, const std::string& layerPath)
    {
        WIN32_FIND_DATAW data {};
        HANDLE find = ::FindFirstFileW(io::win32ApiPath(path).c_str(), &data);
        if (find == INVALID_HANDLE_VALUE)
            throw Error({io::pathToUtf8(path), {}, {}, {}}, "cannot examine exported entry");
        ::FindClose(find);
        ExportedEntry e;
        e.path = layerPath;
        e.source = path;
        e.attributes = data.dwFileAttributes;
        e.created = paxOf(data.ftCreationTime);
        e.modified = paxOf(data.ftLastWriteTime);
        e.accessed = paxOf(data.ftLastAccessTime);
        if (data.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
            // dwReserved0 holds the reparse tag: a mount point is a junction (MSWINDOWS.mountpoint, §1.5). The
            // target is the reparse point's print name, which std::filesystem::read_symlink does not give (and
            // MinGW's does not implement at all).
            e.kind = data.dwReserved0 == IO_REPARSE_TAG_MOUNT_POINT ? ExportedEntry::Junction : ExportedEntry::Symlink;
            e.linkTarget = index::statNoFollow(path).linkTarget;
        } else if (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
            e.kind = ExportedEntry::Directory;
        } else {
            e.kind = ExportedEntry::File;
            e.size = (uint64_t(data.nFileSizeHigh) << 32) | data.nFileSizeLow;
        }
        entries.push_back(std::move(e));
    }

    void walk(const fs::path& folder, const std::string& layerPath)
    {
        add(folder, layerPath);
        if (entries.back().kind != ExportedEntry::Directory)
            return;
        // index::listFolder, not directory_iterator: exported trees go deeper than MAX_PATH.
        for (const auto& childName : index::listFolder(folder)) {
            const std::string name = io::pathToUtf8(childName);
            if (name.ends_with(".$wcidirs$")) // transport artifacts (§1.3)
                continue;
            const fs::path child = folder / childName;
            if (index::statNoFollow(child).type == wcow::EntryType::Directory)
                walk(child, layerPath + "/" + name);
            else
                add(child, layerPath + "/" + name);
        }
    }

    void readTombstones(const fs::path& file)
    {
        std::ifstream in(file, std::ios::binary);
        if (!in)
            return;
        std::string line;
        bool first = true;
        while (std::getline(in, line)) {
            while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
                line.pop_back();
            if (first) {
                first = false;
                if (line != "\xEF\xBB\xBFVersion 1.0")
                    throw Error({io::pathToUtf8(file), {}, {}, {}}, "unknown tombstones.txt version");
                continue;
            }
            if (line.empty())
                continue;
            std::replace(line.begin(), line.end(), '\\', '/');
            while (!line.empty() && line.front() == '/')
                line.erase(line.begin());
            const size_t slash = line.rfind('/');
            ExportedEntry e;
            e.kind = ExportedEntry::Whiteout;
            e.path = "Files/"
                + (slash == std::string::npos ? ".wh." + line
                                              : line.substr(0, slash + 1) + ".wh." + line.substr(slash + 1));
            entries.push_back(std::move(e));
        }
    }
};

struct Session
{
    ScratchSession state;
    std::vector<std::string> parentLayerPaths; // nearest parent first
    std::string mountPath;
};

Session loadSession(const fs::path& workDir)
{
    Session s;
    s.state = ScratchSession::load(workDir, false);
    if (s.state.backend != "hcs")
        throw Error({io::pathToUtf8(workDir), {}, {}, {}}, "was prepared by the " + s.state.backend + " backend");
    const json data = json::parse(s.state.backendData, nullptr, false);
    if (!data.is_object())
        throw Error({io::pathToUtf8(workDir), {}, {}, {}}, "malformed HCS session data");
    s.parentLayerPaths = data.value("parentLayerPaths", std::vector<std::string>());
    s.mountPath = data.value("mountPath", std::string());
    return s;
}

} // namespace

struct HcsBackend::Api
{
    HMODULE module = nullptr;
    CreateSandboxLayerFn createSandboxLayer = nullptr;
    IdFn activateLayer = nullptr;
    PrepareLayerFn prepareLayer = nullptr;
    GetLayerMountPathFn getLayerMountPath = nullptr;
    ExportLayerFn exportLayer = nullptr;
    IdFn unprepareLayer = nullptr;
    IdFn deactivateLayer = nullptr;
    IdFn destroyLayer = nullptr;
    NameToGuidFn nameToGuid = nullptr;
    wchar_t emptyHome[1] = {L'\0'};
    DriverInfo info {1, emptyHome};

    template<typename Fn> void resolve(Fn& fn, const char* name)
    {
        // Through void*: FARPROC is a generic function pointer type, and the entry point's real type is ours.
        fn = reinterpret_cast<Fn>(reinterpret_cast<void*>(::GetProcAddress(module, name)));
        if (!fn)
            throw Error(std::string("Host Compute Service not available: vmcompute.dll has no ") + name
                        + " (unsupported Windows version)");
    }

    static void check(HRESULT hr, const char* call, const std::string& path)
    {
        if (FAILED(hr))
            throw Error({path, {}, {}, {}}, std::string("HCS ") + call + " failed: HRESULT " + hresultText(hr));
    }

    // Descriptors for the parent layer folders; `paths` must outlive them (they point into its strings).
    std::vector<LayerDescriptor> descriptors(const std::vector<std::wstring>& paths) const
    {
        std::vector<LayerDescriptor> out;
        for (const auto& p : paths) {
            LayerDescriptor d {};
            const std::wstring name = fs::path(p).filename().wstring();
            check(nameToGuid(name.c_str(), &d.layerId), "NameToGuid", narrow(p));
            d.flags = 0;
            d.path = p.c_str();
            out.push_back(d);
        }
        return out;
    }

    std::wstring mountPath(const std::wstring& id) const
    {
        // Called twice: first for the length (in characters, terminator included), then for the text.
        ULONG_PTR length = 0;
        check(getLayerMountPath(&info, id.c_str(), &length, nullptr), "GetLayerMountPath", narrow(id));
        if (length == 0)
            return {};
        std::wstring buffer(size_t(length), L'\0');
        check(getLayerMountPath(&info, id.c_str(), &length, buffer.data()), "GetLayerMountPath", narrow(id));
        buffer.resize(wcsnlen(buffer.c_str(), buffer.size()));
        return buffer;
    }

    // Best effort, for undoing a half-made prepare and for discard: each step runs whatever the previous did.
    void teardown(const std::wstring& id) const noexcept
    {
        unprepareLayer(&info, id.c_str());
        deactivateLayer(&info, id.c_str());
        destroyLayer(&info, id.c_str());
    }

    // ExportLayer into a new temporary folder, removed by the returned guard's owner.
    fs::path exportTo(const fs::path& workDir, const std::vector<std::string>& parents) const
    {
        enableBackupPrivileges();
        const fs::path folder = io::hiddenSibling(fs::temp_directory_path() / "layerscope-export", "-");
        fs::create_directory(folder);
        std::vector<std::wstring> paths;
        for (const auto& p : parents)
            paths.push_back(wide(p));
        const auto descs = descriptors(paths);
        const HRESULT hr = exportLayer(&info, workDir.wstring().c_str(), folder.wstring().c_str(), descs.data(),
                                       ULONG(descs.size()));
        if (FAILED(hr)) {
            std::error_code ec;
            fs::remove_all(folder, ec);
            check(hr, "ExportLayer", io::pathToUtf8(workDir));
        }
        return folder;
    }
};

HcsBackend::HcsBackend()
    : m_api(std::make_unique<Api>())
{
    // System32 only: never pick up a vmcompute.dll planted next to the executable or in the current folder.
    m_api->module = ::LoadLibraryExW(L"vmcompute.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
    if (!m_api->module)
        throw Error("Host Compute Service not available (vmcompute.dll cannot be loaded): enable the Windows "
                    "Containers feature, or use the portable backend");
    m_api->resolve(m_api->createSandboxLayer, "CreateSandboxLayer");
    m_api->resolve(m_api->activateLayer, "ActivateLayer");
    m_api->resolve(m_api->prepareLayer, "PrepareLayer");
    m_api->resolve(m_api->getLayerMountPath, "GetLayerMountPath");
    m_api->resolve(m_api->exportLayer, "ExportLayer");
    m_api->resolve(m_api->unprepareLayer, "UnprepareLayer");
    m_api->resolve(m_api->deactivateLayer, "DeactivateLayer");
    m_api->resolve(m_api->destroyLayer, "DestroyLayer");
    m_api->resolve(m_api->nameToGuid, "NameToGuid");
}

HcsBackend::~HcsBackend()
{
    if (m_api && m_api->module)
        ::FreeLibrary(m_api->module);
}

PrepareResult HcsBackend::prepare(const PrepareRequest& request, Progress& progress)
{
    if (request.parentless || request.source.empty())
        throw Error("the HCS backend needs parent layer folders; prepare a parentless scratch with the portable "
                    "backend");
    const fs::path workDir = fs::absolute(request.workDir).lexically_normal();
    std::error_code ec;
    if (fs::exists(fs::symlink_status(workDir, ec)))
        throw Error({io::pathToUtf8(workDir), {}, {}, {}}, "already exists; a work folder must be new");

    auto source = image::ImageSource::open(request.source, {request.platform, &progress});
    const image::Image& img = source->image();
    if (img.kind != image::SourceKind::LayerFolder)
        throw Error({io::pathToUtf8(request.source), {}, {}, {}},
                    "the HCS backend works on on-disk Windows layer folders (windowsfilter); use the portable "
                    "backend for images");
    const size_t count = request.upTo ? *request.upTo + 1 : img.layers.size();
    if (count == 0 || count > img.layers.size())
        throw Error({io::pathToUtf8(request.source), {}, {}, {}}, "no such layer");

    // wcow-layer-format §5: parentLayerPaths run from the nearest parent down to the base.
    std::vector<std::string> parents;
    std::vector<std::wstring> parentsWide;
    for (size_t i = count; i-- > 0;) {
        parents.push_back(io::pathToUtf8(img.layers[i].folder));
        parentsWide.push_back(img.layers[i].folder.wstring());
    }
    const auto descs = m_api->descriptors(parentsWide);
    progress.checkCancelled();

    fs::create_directory(workDir);
    const std::wstring id = workDir.wstring();
    bool created = false;
    try {
        Api::check(m_api->createSandboxLayer(&m_api->info, id.c_str(), nullptr, descs.data(), ULONG(descs.size())),
                   "CreateSandboxLayer", io::pathToUtf8(workDir));
        created = true;
        progress.checkCancelled();
        Api::check(m_api->activateLayer(&m_api->info, id.c_str()), "ActivateLayer", io::pathToUtf8(workDir));
        Api::check(m_api->prepareLayer(&m_api->info, id.c_str(), descs.data(), ULONG(descs.size())), "PrepareLayer",
                   io::pathToUtf8(workDir));
        progress.checkCancelled();
        const std::wstring mount = m_api->mountPath(id);

        ScratchSession session;
        session.backend = name();
        session.source = io::pathToUtf8(fs::absolute(request.source));
        session.sourceKind = image::sourceKindName(img.kind);
        session.upTo = request.upTo;
        session.layerCount = count;
        session.created = wcow::formatRfc3339(nowTime());
        session.backendData = json {{"parentLayerPaths", parents}, {"mountPath", narrow(mount)}}.dump();
        session.notes.push_back("edit the files under " + narrow(mount));
        session.save(workDir);

        PrepareResult result;
        result.workDir = workDir;
        result.filesFolder = fs::path(mount);
        result.layers = count;
        result.notes = session.notes;
        return result;
    } catch (...) {
        // A cancelled or failed prepare leaves nothing: undo the HCS steps, then remove the folder.
        if (created)
            m_api->teardown(id);
        fs::remove_all(workDir, ec);
        throw;
    }
}

ScratchStatus HcsBackend::status(const fs::path& workDir, Progress& progress)
{
    const Session session = loadSession(workDir);
    const fs::path exported = m_api->exportTo(workDir, session.parentLayerPaths);
    struct Cleanup
    {
        fs::path path;
        ~Cleanup()
        {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    } cleanup {exported};
    const ExportFolder folder(exported);

    // Added or modified: whether some parent layer has the path (its Files\ folder holds real files or
    // placeholders for every path of its view, §2.1).
    auto inParents = [&](const std::string& layerPath) {
        for (const auto& parent : session.parentLayerPaths) {
            std::error_code ec;
            if (fs::exists(fs::symlink_status(fs::u8path(parent) / fs::u8path(layerPath), ec)))
                return true;
        }
        return false;
    };
    ScratchStatus status;
    for (const auto& e : folder.entries) {
        progress.checkCancelled();
        if (!e.path.starts_with("Files/"))
            continue;
        ScratchChange c;
        if (e.kind == ExportedEntry::Whiteout) {
            const size_t at = e.path.rfind("/.wh.");
            c.path = e.path.substr(0, at) + "/" + e.path.substr(at + 5);
            c.kind = ChangeKind::Removed;
            ++status.removed;
        } else {
            const bool existed = inParents(e.path);
            if (e.kind == ExportedEntry::Directory && existed)
                continue; // a parent folder of a change
            c.path = e.path;
            c.kind = existed ? ChangeKind::Modified : ChangeKind::Added;
            c.type = e.kind == ExportedEntry::Directory ? wcow::EntryType::Directory
                : e.kind == ExportedEntry::Symlink      ? wcow::EntryType::Symlink
                : e.kind == ExportedEntry::Junction     ? wcow::EntryType::Junction
                                                        : wcow::EntryType::File;
            ++(existed ? status.modified : status.added);
        }
        status.changes.push_back(std::move(c));
    }
    return status;
}

CommitResult HcsBackend::commit(const fs::path& workDir, const CommitRequest& request, Progress& progress)
{
    if (request.imageOut)
        throw Error("the HCS backend writes the layer only: its parents are layer folders, not an image");
    const Session session = loadSession(workDir);
    CommitResult result;
    result.status = status(workDir, progress);

    const fs::path exported = m_api->exportTo(workDir, session.parentLayerPaths);
    struct Cleanup
    {
        fs::path path;
        ~Cleanup()
        {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    } cleanup {exported};
    ExportFolder folder(exported);
    std::vector<ExportedEntry> entries = std::move(folder.entries);

    // Every whiteout needs its parent folder earlier in the tar (§1.2): add folders the export did not list.
    std::set<std::string> listed;
    for (const auto& e : entries)
        listed.insert(e.path);
    const wcow::PaxTime now = request.created.value_or(nowTime());
    std::vector<ExportedEntry> extra;
    for (const auto& e : entries) {
        if (e.kind != ExportedEntry::Whiteout)
            continue;
        for (std::string p = e.path.substr(0, e.path.rfind('/')); !p.empty();
             p = p.find('/') == std::string::npos ? std::string() : p.substr(0, p.rfind('/'))) {
            if (!listed.insert(p).second)
                continue;
            ExportedEntry d;
            d.path = p;
            d.kind = ExportedEntry::Directory;
            d.attributes = wcow::fileattr::Directory;
            d.created = d.modified = d.accessed = now;
            extra.push_back(d);
        }
    }
    entries.insert(entries.end(), extra.begin(), extra.end());
    std::stable_sort(entries.begin(), entries.end(), [](const ExportedEntry& a, const ExportedEntry& b) {
        return wcow::walkOrderLess(a.path, b.path);
    });

    auto writeTar = [&](io::ByteSink& sink) {
        tar::TarWriter writer(sink);
        std::vector<uint8_t> buffer(size_t(1) << 20);
        for (const auto& e : entries) {
            progress.checkCancelled();
            tar::TarHeader h;
            h.path = e.path;
            if (e.kind == ExportedEntry::Whiteout) { // §1.4: mode 0, time 0, no Windows records
                writer.add(h);
                ++result.whiteouts;
                continue;
            }
            h.mtime = e.modified.seconds;
            switch (e.kind) {
            case ExportedEntry::Directory:
                h.type = tar::typeflag::Directory;
                h.mode = 040000;
                break;
            case ExportedEntry::Symlink:
            case ExportedEntry::Junction:
                h.type = tar::typeflag::Symlink;
                h.mode = e.kind == ExportedEntry::Junction ? 0160000 : 0120000;
                h.linkPath = e.linkTarget;
                break;
            default:
                h.type = tar::typeflag::Regular;
                h.mode = 0100000;
                h.size = e.size;
                break;
            }
            const std::string created = wcow::formatPaxTime(e.created);
            h.pax.push_back({"LIBARCHIVE.creationtime", created});
            h.pax.push_back({"MSWINDOWS.fileattr", std::to_string(e.attributes)});
            if (e.kind == ExportedEntry::Junction)
                h.pax.push_back({"MSWINDOWS.mountpoint", "1"});
            h.pax.push_back({"atime", wcow::formatPaxTime(e.accessed)});
            h.pax.push_back({"ctime", wcow::formatPaxTime(e.modified)});
            if (e.modified.nanoseconds != 0 || e.modified.seconds < 0)
                h.pax.push_back({"mtime", wcow::formatPaxTime(e.modified)});
            writer.add(h);
            ++result.entries;
            if (h.type != tar::typeflag::Regular)
                continue;
            io::FileSource file(e.source);
            uint64_t remaining = e.size;
            while (remaining > 0) {
                const size_t n = file.read(buffer.data(), size_t(std::min<uint64_t>(remaining, buffer.size())));
                if (n == 0)
                    throw Error({file.name(), {}, {}, file.storedPosition()}, "shrank while being read");
                writer.writeData(buffer.data(), n);
                remaining -= n;
                progress.checkCancelled();
            }
        }
        writer.finish();
    };

    baselayer::PackageOptions package;
    package.format = baselayer::formatFromExtension(request.layerOut).value_or(baselayer::OutputFormat::TarGz);
    package.overwrite = request.overwrite;
    package.createdBy = request.createdBy;
    package.created = now;
    package.progress = &progress;
    const baselayer::PackageResult layer = baselayer::packageLayer(writeTar, request.layerOut, package);
    result.layer = layer.output;
    result.digest = layer.digest;
    result.diffId = layer.diffId;
    return result;
}

void HcsBackend::discard(const fs::path& workDir, Progress& progress)
{
    if (!ScratchSession::isScratchFolder(workDir))
        throw Error({io::pathToUtf8(workDir), {}, {}, {}},
                    "holds no LayerScope scratch state (.layerscope/session.json); refusing to delete it");
    loadSession(workDir);
    progress.checkCancelled();
    m_api->teardown(fs::absolute(workDir).wstring());
    std::error_code ec;
    fs::remove_all(workDir, ec);
    if (ec)
        throw Error({io::pathToUtf8(workDir), {}, {}, {}}, "cannot remove: " + ec.message());
}

std::unique_ptr<ScratchBackend> createHcsBackend()
{
    return std::make_unique<HcsBackend>(); // throws "Host Compute Service not available ..." without vmcompute.dll
}

} // namespace layerscope::scratch
