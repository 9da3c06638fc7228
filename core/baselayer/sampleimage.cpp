// SPDX-License-Identifier: Apache-2.0
#include "baselayer/sampleimage.h"

#include "baselayer/baselayerbuilder.h"
#include "baselayer/imagepackager.h"
#include "common/base64.h"
#include "common/error.h"
#include "hive/hivewriter.h"
#include "hive/systemhives.h"
#include "io/bytesink.h"
#include "io/bytesource.h"
#include "io/platformfile.h"
#include "tar/tarreader.h"
#include "tar/tarwriter.h"
#include "wcow/paxtime.h"
#include "wcow/securitydescriptor.h"

#include <algorithm>
#include <fstream>

namespace layerscope::baselayer {

namespace fs = std::filesystem;

namespace {

// FILE_ATTRIBUTE_* (wcow-layer-format §1.5: MSWINDOWS.fileattr is their decimal mask).
constexpr uint32_t AttrReadOnly = 0x1;
constexpr uint32_t AttrHidden = 0x2;
constexpr uint32_t AttrSystem = 0x4;
constexpr uint32_t AttrDirectory = 0x10;
constexpr uint32_t AttrArchive = 0x20;
constexpr uint32_t AttrReparsePoint = 0x400;

// Layer 1 was "built" on 2024-03-15 10:30 UTC; a sub-second part makes the PAX mtime record appear (§1.4).
constexpr wcow::PaxTime kDeltaModified {1710498600, 123456700};
constexpr wcow::PaxTime kDeltaCreated {1710412200, 0};
// When the simulated import touched every entry of the re-exported base.
constexpr wcow::PaxTime kImportTime {1717243200, 500000000};

constexpr std::string_view kReadmeText = "This file comes with the base layer; layer 1 deletes it with a whiteout.\r\n";
constexpr std::string_view kBcdPath = "UtilityVM/Files/EFI/Microsoft/Boot/BCD";

std::string rawsd(std::string_view sddl)
{
    return base64Encode(wcow::SecurityDescriptor::fromSddl(sddl).toBinary());
}

// One entry of the delta layer, written as go-winio's backuptar writes it (wcow-layer-format §1.4, §1.5).
struct DeltaEntry
{
    std::string path;
    char type = tar::typeflag::Regular;
    uint32_t attributes = AttrArchive;
    std::string sddl; // empty: no security descriptor
    std::string data;
    std::string linkTarget;
    bool junction = false;
    bool stream = false; // an alternate data stream entry "file:stream"
    bool whiteout = false;
};

tar::TarHeader deltaHeader(const DeltaEntry& e)
{
    tar::TarHeader h;
    h.path = e.path;
    h.type = e.type;
    h.mtime = kDeltaModified.seconds;
    if (e.whiteout) {
        // §1.4: whiteouts are plain ustar entries with mode 0, mtime 0 and no Windows records.
        h.mtime = 0;
        return h;
    }
    const std::string modified = wcow::formatPaxTime(kDeltaModified);
    switch (e.type) {
    case tar::typeflag::Directory:
        h.mode = 040000;
        break;
    case tar::typeflag::Symlink:
        h.mode = (e.attributes & AttrDirectory) ? 0160000 : 0120000;
        h.linkPath = e.linkTarget;
        break;
    case tar::typeflag::HardLink:
        h.mode = 0644;
        h.linkPath = e.linkTarget;
        break;
    default:
        h.mode = 0100000;
        h.size = e.data.size();
        break;
    }
    // Go writes the records in sorted key order (§1.2); ADS entries carry no attributes, creation time or
    // security descriptor of their own (§1.5).
    if (!e.stream)
        h.pax.push_back({"LIBARCHIVE.creationtime", wcow::formatPaxTime(kDeltaCreated)});
    if (!e.stream)
        h.pax.push_back({"MSWINDOWS.fileattr", std::to_string(e.attributes)});
    if (e.junction)
        h.pax.push_back({"MSWINDOWS.mountpoint", "1"});
    if (!e.stream && !e.sddl.empty())
        h.pax.push_back({"MSWINDOWS.rawsd", rawsd(e.sddl)});
    h.pax.push_back({"atime", modified});
    h.pax.push_back({"ctime", modified});
    h.pax.push_back({"mtime", modified});
    return h;
}

std::vector<uint8_t> softwareDelta()
{
    hive::HiveKey root("ROOT");
    hive::HiveKey& app = root.path("Contoso\\Sample App");
    app.set(hive::HiveValue::string("Version", "2.4.1"));
    app.set(hive::HiveValue::dword("InstallDate", 20240315));
    app.set(hive::HiveValue::expandString("InstallDir", "%ProgramFiles%\\Contoso"));
    app.set(hive::HiveValue::multiString("Plugins", {"reader", "writer", "Überprüfung"}));
    app.set(hive::HiveValue::qword("Build", 0x0001000200030004ULL));
    app.set(hive::HiveValue::binary("Signature", {0x4c, 0x53, 0x01, 0x00, 0xde, 0xad, 0xbe, 0xef}));
    root.path("Contoso\\Sample App\\Settings").set(hive::HiveValue::string("", "default value"));
    root.path("Microsoft\\Windows NT\\CurrentVersion").set(hive::HiveValue::string("EditionID", "ServerDatacenter"));
    hive::HiveWriteOptions options;
    options.lastWritten = hive::fileTimeFromUnix(kDeltaModified.seconds);
    options.fileName = "Software_Delta";
    return hive::HiveWriter::write(root, options);
}

// NT SERVICE\TrustedInstaller: the owner of nearly every file Windows itself installs.
constexpr std::string_view kTrustedInstaller = "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464";

// A system file as Windows base images carry it: owned by TrustedInstaller, which alone may change it, readable
// and executable by everyone else, inheritance disabled.
std::string systemFileSddl()
{
    const std::string ti(kTrustedInstaller);
    return "O:" + ti + "G:" + ti + "D:PAI(A;;FA;;;" + ti
        + ")(A;;0x1200a9;;;BA)(A;;0x1200a9;;;SY)(A;;0x1200a9;;;BU)(A;;0x1200a9;;;AC)(A;;0x1200a9;;;S-1-15-2-2)";
}

// System32 and the component store's folders: TrustedInstaller's, with the inheritable entries that give new files
// their permissions (creator owner, SYSTEM and Administrators full control of what they create, Users read).
std::string systemFolderSddl()
{
    const std::string ti(kTrustedInstaller);
    return "O:" + ti + "G:" + ti + "D:PAI(A;;FA;;;" + ti + ")(A;CIIO;GA;;;" + ti
        + ")(A;;0x1301bf;;;SY)(A;OICIIO;GA;;;SY)(A;;0x1301bf;;;BA)(A;OICIIO;GA;;;BA)(A;;0x1200a9;;;BU)"
          "(A;OICIIO;GXGR;;;BU)(A;OICIIO;GA;;;CO)(A;;0x1200a9;;;AC)(A;OICIIO;GXGR;;;AC)";
}

// Deterministic stand-ins for the hash part of component store names (the real ones hash the component identity).
std::string componentHash(std::string_view text)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char c : text)
        h = (h ^ uint8_t(c)) * 1099511628211ULL;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 16; ++i)
        out.push_back(kHex[(h >> (60 - 4 * i)) & 0xF]);
    return out;
}

// Bytes that look like a small PE file, of a size that depends on the name.
std::string peFile(std::string_view name)
{
    std::string data("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00", 16);
    data += "This program cannot be run in DOS mode.\r\n";
    data += "LayerScope sample stand-in for " + std::string(name) + "\r\n";
    data.resize(1024 + 97 * name.size(), '\0');
    return data;
}

// Layer 1 in tar order: parents before children, every parent present (§1.2), each stream right after its
// owner (§1.6), the whiteout right after its parent directory as the export writes it.
std::vector<DeltaEntry> deltaEntries()
{
    const std::string dirSddl = "O:BAG:SYD:(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)";
    const std::string appSddl = "O:BAG:SYD:PAI(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x1200a9;;;BU)(A;;0x1200a9;;;S-1-15-2-1)";
    const std::string secretSddl = "O:SYG:SYD:P(A;;FA;;;SY)(A;;FA;;;BA)";
    const std::string contoso = "Files/Program Files/Contoso";
    std::vector<DeltaEntry> out;
    auto dir = [&](std::string path, uint32_t attributes = AttrDirectory) {
        out.push_back({std::move(path), tar::typeflag::Directory, attributes, dirSddl, {}, {}, false, false, false});
    };
    auto file = [&](std::string path, std::string data, uint32_t attributes, std::string sddl) {
        out.push_back({std::move(path),
                       tar::typeflag::Regular,
                       attributes,
                       std::move(sddl),
                       std::move(data),
                       {},
                       false,
                       false,
                       false});
    };
    dir("Files");
    // The junction Windows itself has for pre-Vista programs: hidden, system, a directory reparse point.
    out.push_back({"Files/Documents and Settings",
                   tar::typeflag::Symlink,
                   AttrHidden | AttrSystem | AttrDirectory | AttrReparsePoint,
                   dirSddl,
                   {},
                   "C:\\Users",
                   true,
                   false,
                   false});
    dir("Files/Program Files", AttrDirectory | AttrReadOnly);
    dir(contoso);
    file(contoso + "/app.exe",
         std::string("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00", 16)
             + "This program cannot be run in DOS mode.\r\n",
         AttrArchive | AttrReadOnly, appSddl);
    out.push_back({contoso + "/app.exe:Zone.Identifier",
                   tar::typeflag::Regular,
                   0,
                   {},
                   "[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=https://example.com/contoso/app.exe\r\n",
                   {},
                   false,
                   true,
                   false});
    file(contoso + "/desktop.ini", "[.ShellClassInfo]\r\nIconResource=app.exe,0\r\n",
         AttrArchive | AttrHidden | AttrSystem, appSddl);
    out.push_back({contoso + "/latest.exe",
                   tar::typeflag::Symlink,
                   AttrArchive | AttrReparsePoint,
                   appSddl,
                   {},
                   "app.exe",
                   false,
                   false,
                   false});
    file(contoso + "/secret.key", "not really a key\n", AttrArchive | AttrHidden, secretSddl);
    // §1.6: later names of one NTFS file are hard links to the first name written.
    out.push_back({contoso + "/tool.exe",
                   tar::typeflag::HardLink,
                   AttrArchive | AttrReadOnly,
                   {},
                   {},
                   contoso + "/app.exe",
                   false,
                   false,
                   false});
    file(contoso + "/Überprüfung – настройки.txt", "Größe=klein\r\n設定=有効\r\n", AttrArchive, appSddl);
    dir("Files/Users");
    dir("Files/Users/Public", AttrDirectory | AttrReadOnly);
    out.push_back({std::string(kSampleChangedPath.substr(0, kSampleChangedPath.rfind('/'))) + "/.wh.readme.txt",
                   tar::typeflag::Regular,
                   0,
                   {},
                   {},
                   {},
                   false,
                   false,
                   true});
    // Files/Windows as a cumulative update leaves it: System32 files and component store (WinSxS) folders whose
    // long names differ only near their ends, all owned by TrustedInstaller (what most files of a real base image
    // look like in the Security tab and in filter results).
    const std::string fileSddl = systemFileSddl();
    const std::string folderSddl = systemFolderSddl();
    const auto systemDir = [&](std::string path) {
        out.push_back(
            {std::move(path), tar::typeflag::Directory, AttrDirectory, folderSddl, {}, {}, false, false, false});
    };
    systemDir("Files/Windows");
    systemDir("Files/Windows/System32");
    static constexpr std::string_view kComponents[][2] = {
        {"advapi32", "advapi32.dll"},     {"bcrypt-dll", "bcrypt.dll"}, {"combase", "combase.dll"},
        {"crypt32-dll", "crypt32.dll"},   {"gdi32", "gdi32.dll"},       {"kernel32", "kernel32.dll"},
        {"kernelbase", "KernelBase.dll"}, {"ntdll", "ntdll.dll"},       {"rpc-local", "rpcrt4.dll"},
        {"shell32", "shell32.dll"},       {"user32", "user32.dll"},     {"winhttp", "winhttp.dll"},
    };
    std::vector<std::string> system32;
    for (const auto& component : kComponents)
        system32.emplace_back(component[1]);
    std::sort(system32.begin(), system32.end());
    for (const auto& name : system32)
        file("Files/Windows/System32/" + name, peFile(name), AttrArchive, fileSddl);
    systemDir("Files/Windows/WinSxS");
    // Each component twice, as after an update: the build installed and the one serviced (10.0.20348.1 and .2340).
    std::vector<std::pair<std::string, std::string>> components; // folder name, file name
    for (const auto& component : kComponents)
        for (const char* arch : {"amd64", "wow64"})
            for (const char* version : {"10.0.20348.1", "10.0.20348.2340"}) {
                const std::string identity = std::string(arch) + "_microsoft-windows-" + std::string(component[0])
                    + "_31bf3856ad364e35_" + version + "_none_";
                components.emplace_back(identity + componentHash(identity), std::string(component[1]));
            }
    std::sort(components.begin(), components.end());
    for (const auto& [folder, name] : components) {
        const std::string path = "Files/Windows/WinSxS/" + folder;
        systemDir(path);
        file(path + "/" + name, peFile(folder), AttrArchive, fileSddl);
    }
    dir("Hives");
    const std::vector<uint8_t> hive = softwareDelta();
    file("Hives/Software_Delta", std::string(hive.begin(), hive.end()), AttrArchive, {});
    return out;
}

void writeDelta(io::ByteSink& sink)
{
    tar::TarWriter writer(sink);
    for (const DeltaEntry& e : deltaEntries()) {
        writer.add(deltaHeader(e));
        if (!e.data.empty())
            writer.writeData(e.data.data(), e.data.size());
    }
    writer.finish();
}

struct TarEntry
{
    tar::TarHeader header;
    std::vector<uint8_t> data;
};

std::vector<TarEntry> readTar(std::vector<uint8_t> bytes)
{
    io::MemorySource source(std::move(bytes), "base layer");
    tar::TarReader reader(source);
    std::vector<TarEntry> entries;
    TarEntry entry;
    while (reader.next(entry.header)) {
        entry.data.resize(size_t(reader.dataRemaining()));
        size_t done = 0;
        while (done < entry.data.size())
            done += reader.readData(entry.data.data() + done, entry.data.size() - done);
        entries.push_back(entry);
    }
    return entries;
}

void setRecord(tar::TarHeader& header, const std::string& key, const std::string& value)
{
    for (auto& record : header.pax)
        if (record.key == key) {
            record.value = value;
            return;
        }
    header.pax.push_back({key, value});
}

// The base layer as Windows gives it back after import and export (wcow-layer-format §6).
void writeReexport(const std::vector<uint8_t>& baseTar, io::ByteSink& sink)
{
    std::vector<TarEntry> entries = readTar(baseTar);
    const std::string bcdLog = std::string(kBcdPath) + ".LOG";
    for (TarEntry& e : entries) {
        // §6 access/change times: the OS sets them while importing.
        setRecord(e.header, "atime", wcow::formatPaxTime(kImportTime));
        setRecord(e.header, "ctime", wcow::formatPaxTime(kImportTime));
        if (e.header.path == kBcdPath) {
            // §2.4: ProcessUtilityVMImage rewrites the BCD store in place: new bytes and time stamps, the same
            // registry (the diff looks inside and explains it as hive-rewritten-equal).
            hive::HiveWriteOptions options;
            options.lastWritten = hive::fileTimeFromUnix(kImportTime.seconds);
            e.data = hive::minimalBcdStore("LayerScope", options);
            e.header.size = e.data.size();
        } else if (e.header.path == kSampleChangedPath) {
            // The planted real change: Everyone may now read the file. No round-trip rule explains that.
            setRecord(e.header, "MSWINDOWS.rawsd",
                      rawsd("O:BAG:SYD:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x1200a9;;;BU)(A;;FR;;;WD)"));
        }
    }
    const auto bcd
        = std::find_if(entries.begin(), entries.end(), [](const TarEntry& e) { return e.header.path == kBcdPath; });
    if (bcd != entries.end()) {
        // §2.4: a transaction log appears next to the rewritten store.
        TarEntry log = *bcd;
        log.header.path = bcdLog;
        log.data.assign(1024, 0);
        log.header.size = log.data.size();
        entries.push_back(std::move(log));
    }
    // §1.2: Microsoft's tool does not walk depth-first in byte order; breadth first keeps parents before children.
    std::stable_sort(entries.begin(), entries.end(), [](const TarEntry& a, const TarEntry& b) {
        const auto depth = [](const std::string& p) { return std::count(p.begin(), p.end(), '/'); };
        return depth(a.header.path) < depth(b.header.path);
    });
    tar::TarWriter writer(sink);
    for (const TarEntry& e : entries) {
        writer.add(e.header);
        if (e.header.type == tar::typeflag::Regular && !e.data.empty())
            writer.writeData(e.data.data(), e.data.size());
    }
    writer.finish();
}

} // namespace

SampleImage writeSampleImage(const fs::path& folder, Progress& progress)
{
    fs::create_directories(folder);
    // BaseLayerBuilder takes a base's content from a folder, so the one user file of the base is put in one.
    const fs::path content = folder / ".sample-base-content";
    struct Cleanup
    {
        fs::path path;
        ~Cleanup()
        {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    } cleanup {content};
    fs::remove_all(content);
    fs::create_directories(content / "Users" / "Public");
    {
        std::ofstream readme(content / "Users" / "Public" / "readme.txt", std::ios::binary);
        readme.write(kReadmeText.data(), std::streamsize(kReadmeText.size()));
        if (!readme)
            throw Error({io::pathToUtf8(content / "Users" / "Public" / "readme.txt"), {}, {}, {}}, "cannot write");
    }
    BaseLayerOptions baseOptions;
    baseOptions.fromFolder = content;
    baseOptions.utilityVm = true;
    const BaseLayerBuilder builder(baseOptions);
    // The base is small (hives and one text file), so it is built once in memory and reused three times.
    io::MemorySink baseSink;
    builder.write(baseSink, progress);
    const std::vector<uint8_t> baseTar = baseSink.take();
    const auto writeBase = [&](io::ByteSink& sink) { sink.write(baseTar.data(), baseTar.size()); };
    progress.checkCancelled();

    SampleImage sample;
    sample.image = folder / "sample-oci";
    sample.base = folder / "base.tar.gz";
    sample.reexport = folder / "reexport.tar.gz";

    PackageOptions options;
    options.format = OutputFormat::Oci;
    options.osVersion = "10.0.20348.2340";
    options.tag = "layerscope/sample:latest";
    options.overwrite = true;
    options.created = kDeltaModified;
    packageImage({{writeBase, "LayerScope sample: empty base layer with UtilityVM"},
                  {writeDelta, "LayerScope sample: delta layer (attributes, SDDLs, ADS, links, whiteout, hive)"}},
                 sample.image, options);
    progress.checkCancelled();

    PackageOptions layerOptions;
    layerOptions.format = OutputFormat::TarGz;
    layerOptions.overwrite = true;
    packageLayer(writeBase, sample.base, layerOptions);
    packageLayer([&](io::ByteSink& sink) { writeReexport(baseTar, sink); }, sample.reexport, layerOptions);
    return sample;
}

} // namespace layerscope::baselayer
