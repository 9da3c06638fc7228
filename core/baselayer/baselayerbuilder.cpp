// SPDX-License-Identifier: Apache-2.0
#include "baselayer/baselayerbuilder.h"

#include "common/base64.h"
#include "common/error.h"
#include "hive/hivereader.h"
#include "hive/systemhives.h"
#include "index/folderscan.h"
#include "io/filesource.h"
#include "io/platformfile.h"
#include "tar/tarwriter.h"
#include "wcow/casefold.h"
#include "wcow/entrydecoder.h"
#include "wcow/layerheader.h"
#include "wcow/ntfsnames.h"
#include "wcow/paxtime.h"
#include "wcow/securitydescriptor.h"

#include <algorithm>
#include <array>
#include <map>

namespace layerscope::baselayer {

namespace {

using wcow::EntryType;

constexpr std::string_view configDir = "Files/Windows/System32/config";
constexpr std::array<std::string_view, 4> configDirs = {"Files", "Files/Windows", "Files/Windows/System32", configDir};
constexpr std::array<std::string_view, 5> bootDirs
    = {"UtilityVM", "UtilityVM/Files", "UtilityVM/Files/EFI", "UtilityVM/Files/EFI/Microsoft",
       "UtilityVM/Files/EFI/Microsoft/Boot"};
constexpr std::string_view bcdPath = "UtilityVM/Files/EFI/Microsoft/Boot/BCD";

// Explicit, protected ACLs (no inheritance from wherever the layer is imported): SYSTEM and Administrators full
// control, Users read and execute — what Windows gives its own system folders, minus TrustedInstaller, whose SID
// would tie the layer to servicing. Directories pass the same rights down to new children.
constexpr std::string_view directorySddl = "O:BAG:SYD:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)";
constexpr std::string_view fileSddl = "O:BAG:SYD:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x1200a9;;;BU)";

constexpr uint32_t AttrDirectory = 0x10;
constexpr uint32_t AttrArchive = 0x20;
constexpr uint32_t AttrReparsePoint = 0x400;

std::string rawSecurityDescriptor(std::string_view sddl)
{
    const auto binary = wcow::SecurityDescriptor::fromSddl(sddl).toBinary();
    return base64Encode(binary);
}

} // namespace

BaseLayerBuilder::BaseLayerBuilder(BaseLayerOptions options)
    : m_options(std::move(options))
{
    if (m_options.fromFolder)
        planFromFolder(*m_options.fromFolder);
    addGenerated();
    std::stable_sort(m_entries.begin(), m_entries.end(),
                     [](const PlannedEntry& a, const PlannedEntry& b) { return wcow::walkOrderLess(a.path, b.path); });
}

void BaseLayerBuilder::planFromFolder(const std::filesystem::path& folder)
{
    if (!std::filesystem::is_directory(folder))
        throw Error({io::pathToUtf8(folder), {}, {}, {}}, "not a folder");
    index::FolderScanOptions scanOptions;
    scanOptions.prefix = "Files";
    scanOptions.hashFiles = false;
    scanOptions.caseInsensitive = false;
    const index::TreeIndex tree = index::scanFolder(folder, scanOptions);

    std::vector<std::string> problems;
    std::map<std::string, std::string> folded; // NTFS sees names differing only in case as one
    for (const auto& record : tree.records()) {
        PlannedEntry entry;
        entry.path = tree.path(record.node);
        entry.type = record.type;
        entry.size = record.size;
        const std::string relative = entry.path.size() > 6 ? entry.path.substr(6) : std::string();
        for (size_t start = 0; !relative.empty() && start <= relative.size();) {
            const size_t slash = std::min(relative.find('/', start), relative.size());
            const std::string_view component = std::string_view(relative).substr(start, slash - start);
            if (wcow::isWhiteoutName(component))
                problems.push_back(entry.path + ": a whiteout name (\".wh.\") cannot appear in a base layer");
            else if (auto problem = wcow::ntfsNameProblem(component))
                problems.push_back(entry.path + ": \"" + std::string(component) + "\" " + *problem);
            start = slash + 1;
        }
        if (auto [it, inserted] = folded.try_emplace(wcow::foldCase(entry.path), entry.path); !inserted)
            problems.push_back(entry.path + ": differs from \"" + it->second
                               + "\" only in case, and NTFS keeps one name for both");
        switch (record.type) {
        case EntryType::File:
            entry.source = folder / std::filesystem::u8path(relative);
            break;
        case EntryType::Directory:
            break;
        case EntryType::Symlink: {
            // Windows stores the print name with its own separators (§1.6).
            entry.linkTarget = std::string(tree.linkTarget(record));
            std::replace(entry.linkTarget.begin(), entry.linkTarget.end(), '/', '\\');
            std::error_code ec;
            entry.directoryLink = std::filesystem::is_directory(folder / std::filesystem::u8path(relative), ec);
            break;
        }
        case EntryType::Hardlink:
            entry.linkTarget = std::string(tree.linkTarget(record));
            break;
        default:
            problems.push_back(entry.path
                               + ": not a file, folder or link (sockets and devices have no place in a "
                                 "Windows layer)");
            continue;
        }
        m_entries.push_back(std::move(entry));
    }
    if (!problems.empty()) {
        std::string message = "cannot make a base layer from this folder (" + std::to_string(problems.size())
            + (problems.size() == 1 ? " problem):" : " problems):");
        for (const auto& p : problems)
            message += "\n  " + p;
        throw Error({io::pathToUtf8(folder), {}, {}, {}}, message);
    }
}

void BaseLayerBuilder::addGenerated()
{
    hive::HiveWriteOptions hiveOptions;
    hiveOptions.lastWritten = wcow::toFiletime(m_options.timestamp).value_or(hiveOptions.lastWritten);

    auto find = [this](std::string_view path) -> PlannedEntry* {
        const std::string key = wcow::foldCase(path);
        for (auto& e : m_entries)
            if (wcow::foldCase(e.path) == key)
                return &e;
        return nullptr;
    };
    std::vector<std::string> problems;
    auto ensureDirectory = [&](std::string_view path) {
        if (const PlannedEntry* existing = find(path)) {
            if (existing->type != EntryType::Directory)
                problems.push_back(existing->path + ": must be a folder in a Windows base layer");
            return;
        }
        PlannedEntry dir;
        dir.path = std::string(path);
        dir.type = EntryType::Directory;
        m_entries.push_back(std::move(dir));
    };
    auto addHive = [&](std::string path, std::vector<uint8_t> content) {
        PlannedEntry file;
        file.path = std::move(path);
        file.size = content.size();
        file.content = std::move(content);
        m_generatedHives.push_back(file.path);
        m_entries.push_back(std::move(file));
    };

    for (const auto dir : configDirs)
        ensureDirectory(dir);
    for (const auto name : hive::kSystemHiveNames) {
        const std::string path = std::string(configDir) + "/" + std::string(name);
        const PlannedEntry* existing = find(path);
        if (!existing) {
            addHive(path, hive::emptySystemHive(name, hiveOptions));
            continue;
        }
        // The folder brings its own hive: keep it, but only if Windows will be able to load it.
        if (existing->type != EntryType::File) {
            problems.push_back(existing->path + ": a config hive must be a regular file");
        } else if (existing->size == 0) {
            problems.push_back(existing->path
                               + ": zero-length hive; Windows accepts it as a base but every layer imported on top "
                                 "fails with \"The configuration registry database is corrupt (0x3f1)\" — delete it "
                                 "and a valid empty hive will be generated");
        } else {
            const auto reader = hive::HiveReader::fromFile(existing->source);
            if (!reader.valid()) {
                std::string reason = "not a valid registry hive";
                for (const auto& p : reader.problems())
                    if (p.severity == hive::HiveReader::Severity::Error) {
                        reason += " (" + p.message + " at byte " + std::to_string(p.offset) + ")";
                        break;
                    }
                problems.push_back(existing->path + ": " + reason);
            }
        }
    }
    if (m_options.utilityVm) {
        for (const auto dir : bootDirs)
            ensureDirectory(dir);
        if (!find(bcdPath))
            addHive(std::string(bcdPath), hive::minimalBcdStore("LayerScope", hiveOptions));
    }
    if (!problems.empty()) {
        std::string message = "cannot make a base layer:";
        for (const auto& p : problems)
            message += "\n  " + p;
        throw Error({m_options.fromFolder ? m_options.fromFolder->string() : std::string(), {}, {}, {}}, message);
    }
}

void BaseLayerBuilder::write(io::ByteSink& sink, Progress& progress) const
{
    const std::string directorySd = rawSecurityDescriptor(directorySddl);
    const std::string fileSd = rawSecurityDescriptor(fileSddl);
    const std::string time = wcow::formatPaxTime(m_options.timestamp);
    uint64_t total = 0;
    for (const auto& e : m_entries)
        total += e.size;

    tar::TarWriter writer(sink);
    tar::TarHeader header;
    uint64_t done = 0;
    std::vector<uint8_t> buffer;
    for (const PlannedEntry& e : m_entries) {
        progress.checkCancelled();
        header = tar::TarHeader {};
        header.path = e.path;
        header.mtime = m_options.timestamp.seconds;
        uint32_t attributes = AttrArchive;
        const std::string* sd = &fileSd;
        // wcow-layer-format §1.4: backuptar writes only the file-type bits of the mode.
        const EntryType type
            = e.type == EntryType::Directory || e.type == EntryType::Symlink || e.type == EntryType::Hardlink
            ? e.type
            : EntryType::File;
        wcow::setLayerEntryType(header, type, e.size, e.linkTarget, e.directoryLink);
        switch (type) {
        case EntryType::Directory:
            attributes = AttrDirectory;
            sd = &directorySd;
            break;
        case EntryType::Symlink:
            attributes = AttrReparsePoint | (e.directoryLink ? AttrDirectory : AttrArchive);
            break;
        case EntryType::Hardlink:
            sd = nullptr;
            break;
        default:
            break;
        }
        // Go's archive/tar emits the records in sorted key order (§1.2); so do we.
        header.pax.push_back({"LIBARCHIVE.creationtime", time});
        header.pax.push_back({"MSWINDOWS.fileattr", std::to_string(attributes)});
        if (sd)
            header.pax.push_back({"MSWINDOWS.rawsd", *sd});
        header.pax.push_back({"atime", time});
        header.pax.push_back({"ctime", time});
        if (m_options.timestamp.nanoseconds != 0)
            header.pax.push_back({"mtime", time});
        writer.add(header);

        if (header.type != tar::typeflag::Regular)
            continue;
        if (e.source.empty()) {
            writer.writeData(e.content.data(), e.content.size());
        } else {
            io::FileSource file(e.source);
            if (file.storedSize() != e.size)
                throw Error({file.name(), {}, {}, {}}, "changed size while the layer was being written");
            buffer.resize(size_t(1) << 20);
            uint64_t remaining = e.size;
            while (remaining > 0) {
                const size_t n = file.read(buffer.data(), size_t(std::min<uint64_t>(remaining, buffer.size())));
                if (n == 0)
                    throw Error({file.name(), {}, {}, file.storedPosition()}, "file shrank while being read");
                writer.writeData(buffer.data(), n);
                remaining -= n;
                done += n;
                progress.advance(done, total);
                progress.checkCancelled();
            }
        }
    }
    writer.finish();
    progress.advance(total, total);
}

} // namespace layerscope::baselayer
