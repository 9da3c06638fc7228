// SPDX-License-Identifier: Apache-2.0
#include "entrydecoder.h"

#include "common/base64.h"
#include "common/error.h"
#include "fileattributes.h"
#include "paxtime.h"
#include "securitydescriptor.h"

namespace layerscope::wcow {

namespace {

void report(std::vector<Problem>& problems, Problem::Severity severity, const std::string& path, std::string message)
{
    problems.push_back(Problem {severity, path, std::move(message)});
}

std::optional<PaxTime> timeRecord(const tar::TarHeader& header, std::string_view key, const std::string& path,
                                  std::vector<Problem>& problems)
{
    const std::string* value = header.paxValue(key);
    if (!value)
        return std::nullopt;
    if (auto time = parsePaxTime(*value))
        return time;
    report(problems, Problem::Severity::Error, path,
           "PAX " + std::string(key) + " \"" + *value
               + "\" is not a PAX time (decimal seconds with an optional fraction); Windows importers reject the "
                 "entry");
    return std::nullopt;
}

void decodeSecurityDescriptor(const tar::TarHeader& header, WindowsEntry& entry, std::vector<Problem>& problems)
{
    // wcow-layer-format §1.5: rawsd is preferred; sd (SDDL) is read only when rawsd is absent.
    if (const std::string* raw = header.paxValue(paxkey::RawSecurityDescriptor)) {
        auto bytes = base64Decode(*raw);
        if (!bytes) {
            report(problems, Problem::Severity::Error, entry.path,
                   "MSWINDOWS.rawsd is not valid base64; the importer cannot apply a security descriptor to this "
                   "entry");
            return;
        }
        entry.securityDescriptor = std::move(*bytes);
        try {
            entry.sddl = SecurityDescriptor::fromBinary(entry.securityDescriptor).toSddl();
        } catch (const Error& error) {
            report(problems, Problem::Severity::Error, entry.path,
                   "MSWINDOWS.rawsd holds a malformed " + error.message()
                       + "; Windows rejects it when the entry is imported");
        }
        return;
    }
    if (const std::string* sddl = header.paxValue(paxkey::SecurityDescriptorSddl)) {
        try {
            const SecurityDescriptor sd = SecurityDescriptor::fromSddl(*sddl);
            entry.securityDescriptor = sd.toBinary();
            entry.sddl = sd.toSddl();
        } catch (const Error& error) {
            report(problems, Problem::Severity::Error, entry.path,
                   "MSWINDOWS.sd (legacy SDDL) does not parse: " + error.message());
        }
    }
}

} // namespace

std::string normalizePath(std::string_view path)
{
    while (true) {
        if (path.starts_with("./"))
            path.remove_prefix(2);
        else if (path.starts_with("/"))
            path.remove_prefix(1);
        else
            break;
    }
    while (path.ends_with("/"))
        path.remove_suffix(1);
    if (path == ".")
        return {};
    return std::string(path);
}

std::string_view baseName(std::string_view path)
{
    const size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view parentPath(std::string_view path)
{
    const size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

bool walkOrderLess(std::string_view a, std::string_view b)
{
    for (;;) {
        const size_t ea = a.find('/');
        const size_t eb = b.find('/');
        const std::string_view ca = a.substr(0, ea);
        const std::string_view cb = b.substr(0, eb);
        if (ca != cb)
            return ca < cb;
        if (ea == std::string_view::npos || eb == std::string_view::npos)
            return ea == std::string_view::npos && eb != std::string_view::npos;
        a.remove_prefix(ea + 1);
        b.remove_prefix(eb + 1);
    }
}

std::string whiteoutTarget(std::string_view path)
{
    const std::string_view base = baseName(path);
    if (!base.starts_with(kWhiteoutPrefix))
        return std::string(path);
    return std::string(path.substr(0, path.size() - base.size())) + std::string(base.substr(kWhiteoutPrefix.size()));
}

std::string streamOwner(std::string_view path)
{
    const std::string_view base = baseName(path);
    const size_t colon = base.find(':');
    if (colon == std::string_view::npos)
        return std::string(path);
    return std::string(path.substr(0, path.size() - base.size() + colon));
}

WindowsEntry decodeEntry(const tar::TarHeader& header, std::vector<Problem>& problems)
{
    WindowsEntry entry;
    entry.path = normalizePath(header.path);
    entry.size = header.size;
    entry.mode = header.mode;
    entry.linkTarget = header.linkPath;
    entry.tarIndex = header.index;
    entry.headerOffset = header.headerOffset;
    entry.sizeFromPax = header.paxValue("size") != nullptr;

    const std::string_view base = baseName(entry.path);
    const bool fileType = header.type == tar::typeflag::Regular || header.type == tar::typeflag::RegularOld
        || header.type == tar::typeflag::Contiguous;
    if (base.starts_with(kWhiteoutPrefix)) {
        // §1.6: hcsshim and moby treat every ".wh." name as a whiteout, whatever the typeflag.
        entry.type = EntryType::Whiteout;
        if (base == kOpaqueWhiteout)
            report(problems, Problem::Severity::Warning, entry.path,
                   "opaque-directory marker .wh..wh..opq: Windows importers have no opaque directories and treat it "
                   "as a whiteout of a literal \".wh..opq\", which does not exist; the directory's lower-layer "
                   "content stays visible");
    } else if (header.type == tar::typeflag::Directory) {
        entry.type = EntryType::Directory;
    } else if (header.type == tar::typeflag::HardLink) {
        entry.type = EntryType::Hardlink;
    } else if (header.type == tar::typeflag::Symlink) {
        // §1.5: MSWINDOWS.mountpoint's presence, not its value, marks a junction.
        entry.type = header.paxValue(paxkey::MountPoint) ? EntryType::Junction : EntryType::Symlink;
    } else if (fileType && base.find(':') != std::string_view::npos) {
        // §1.6: alternate data streams are "<path>:<stream>"; go-winio strips ":$DATA" on write, the CIM
        // importer requires it, so we accept and drop it for the name.
        entry.type = EntryType::Stream;
        std::string_view stream = base.substr(base.find(':') + 1);
        if (stream.ends_with(":$DATA"))
            stream.remove_suffix(6);
        entry.streamName = std::string(stream);
    } else if (fileType) {
        entry.type = EntryType::File;
    } else if (header.type == tar::typeflag::GnuSparse) {
        // Go's archive/tar keeps typeflag 'S' for old GNU sparse files, and go-winio's backuptar only writes data for
        // typeflags '0' and NUL, so on Windows the file comes out empty. We still show it with its expanded content.
        entry.type = EntryType::File;
        report(problems, Problem::Severity::Warning, entry.path,
               "old GNU sparse file (typeflag 'S'): Windows importers (go-winio) write file data only for typeflags "
               "'0' and NUL, so this file is created empty when the layer is imported on Windows");
    } else {
        entry.type = EntryType::Other;
    }

    if (const std::string* attributes = header.paxValue(paxkey::FileAttributes)) {
        try {
            entry.attributes = parseFileAttributes(*attributes);
        } catch (const Error& error) {
            report(problems, Problem::Severity::Error, entry.path, error.message());
        }
    }

    decodeSecurityDescriptor(header, entry, problems);

    entry.modified = PaxTime {header.mtime, 0};
    if (auto mtime = timeRecord(header, paxkey::ModificationTime, entry.path, problems))
        entry.modified = *mtime;
    entry.created = timeRecord(header, paxkey::CreationTime, entry.path, problems);
    entry.accessed = timeRecord(header, paxkey::AccessTime, entry.path, problems);
    entry.changed = timeRecord(header, paxkey::ChangeTime, entry.path, problems);
    // Without PAX records, Go takes access and change times from old GNU and star header fields, and go-winio
    // imports them.
    if (!entry.accessed && header.atime)
        entry.accessed = PaxTime {*header.atime, 0};
    if (!entry.changed && header.ctime)
        entry.changed = PaxTime {*header.ctime, 0};

    for (const auto& record : header.pax) {
        if (!record.key.starts_with(paxkey::XattrPrefix))
            continue;
        std::string name = record.key.substr(paxkey::XattrPrefix.size());
        auto value = base64Decode(record.value);
        if (!value) {
            report(problems, Problem::Severity::Error, entry.path,
                   "PAX " + record.key + " is not valid base64; the extended attribute \"" + name
                       + "\" cannot be restored");
            continue;
        }
        std::string bytes(value->begin(), value->end());
        // A repeated key overrides the earlier one, as in Go's PAX reader.
        bool replaced = false;
        for (auto& xattr : entry.xattrs)
            if (xattr.first == name) {
                xattr.second = bytes;
                replaced = true;
            }
        if (!replaced)
            entry.xattrs.emplace_back(std::move(name), std::move(bytes));
    }
    return entry;
}

} // namespace layerscope::wcow
