// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "tar/tarheader.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace layerscope::wcow {

enum class EntryType : uint8_t { File, Directory, Symlink, Junction, Hardlink, Whiteout, Stream, Other };
// "file", "directory", ... as used in the JSON contract.
const char* entryTypeName(EntryType type);

// A PAX time at full precision (wcow-layer-format §1.5): seconds since the Unix epoch (may be negative) plus
// nanoseconds in [0, 1e9).
struct PaxTime
{
    int64_t seconds = 0;
    uint32_t nanoseconds = 0;

    bool operator==(const PaxTime&) const = default;
    auto operator<=>(const PaxTime&) const = default;
};

struct Problem
{
    enum class Severity : uint8_t { Warning, Error };
    Severity severity = Severity::Error;
    std::string path;
    std::string message;
};

// A tar entry read the way Windows' importers read it: typed, with attributes, security descriptor, the four
// times and extended attributes decoded from the PAX records.
struct WindowsEntry
{
    std::string path; // as in the tar, normalised: no leading "./" or "/", no trailing "/"; streams keep "file:stream"
    EntryType type = EntryType::Other;
    uint64_t size = 0;
    uint32_t mode = 0;
    std::optional<uint32_t> attributes; // MSWINDOWS.fileattr; nullopt when the record is absent
    std::vector<uint8_t> securityDescriptor; // self-relative binary from MSWINDOWS.rawsd (or converted MSWINDOWS.sd)
    std::string sddl; // empty when no descriptor is present
    std::optional<PaxTime> created; // LIBARCHIVE.creationtime
    PaxTime modified; // PAX mtime, else the ustar field
    std::optional<PaxTime> accessed;
    std::optional<PaxTime> changed;
    std::string linkTarget; // symlink/junction print name or hard-link target, as stored
    std::vector<std::pair<std::string, std::string>> xattrs; // EA name -> raw value bytes (decoded from base64)
    std::string streamName; // for Stream entries: the part after the colon

    uint64_t tarIndex = 0; // position in the layer tar
    uint64_t headerOffset = 0; // byte offset of its first header block in the uncompressed tar
    bool sizeFromPax = false; // the size came from a PAX size record (the only way past 8 GiB - 1 in ustar)
};

} // namespace layerscope::wcow
