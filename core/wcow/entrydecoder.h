// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "tar/tarheader.h"
#include "windowsentry.h"

#include <string>
#include <string_view>
#include <vector>

namespace layerscope::wcow {

// PAX record keys Windows layers use (wcow-layer-format §1.5).
namespace paxkey {
inline constexpr std::string_view FileAttributes = "MSWINDOWS.fileattr";
inline constexpr std::string_view RawSecurityDescriptor = "MSWINDOWS.rawsd";
inline constexpr std::string_view SecurityDescriptorSddl = "MSWINDOWS.sd";
inline constexpr std::string_view MountPoint = "MSWINDOWS.mountpoint";
inline constexpr std::string_view XattrPrefix = "MSWINDOWS.xattr.";
inline constexpr std::string_view CreationTime = "LIBARCHIVE.creationtime";
inline constexpr std::string_view ModificationTime = "mtime";
inline constexpr std::string_view AccessTime = "atime";
inline constexpr std::string_view ChangeTime = "ctime";
} // namespace paxkey

inline constexpr std::string_view kWhiteoutPrefix = ".wh.";
inline constexpr std::string_view kOpaqueWhiteout = ".wh..wh..opq";

// Reads one tar entry the way Windows' importers do (wcow-layer-format §1.4-1.6). Never throws for bad record
// values: each one becomes a Problem naming the path, and the field keeps its default (bad base64 or a malformed
// descriptor leaves `sddl` empty; an unparsable fileattr leaves `attributes` unset), so one broken entry does not
// hide the rest of the layer.
//  - type: typeflag 5 directory, 1 hard link, 2 symlink or, with MSWINDOWS.mountpoint, junction; a last
//    component starting with ".wh." is a whiteout whatever the typeflag (".wh..wh..opq" included, §1.6, with a
//    warning); a ':' in the last component of a non-directory makes an alternate data stream (`streamName` is
//    the part after the first colon, without a ":$DATA" suffix; `path` keeps the whole "file:stream" name);
//    typeflags 0, NUL and 7 are files; anything else is Other.
//  - path normalised by normalizePath().
//  - security descriptor from MSWINDOWS.rawsd, else the legacy MSWINDOWS.sd converted with fromSddl(); `sddl` is
//    the descriptor rendered back to SDDL. A descriptor that does not parse keeps its decoded bytes in
//    `securityDescriptor` (so diffs still see them) with `sddl` empty and an error Problem.
//  - times: PAX mtime, else the ustar field; LIBARCHIVE.creationtime; atime; ctime.
WindowsEntry decodeEntry(const tar::TarHeader& header, std::vector<Problem>& problems);

// Strips leading "./" and "/" (repeatedly) and trailing "/" (§1.2: names are relative, directories have no
// trailing slash). "." and "./" become "".
std::string normalizePath(std::string_view path);

// The last path component.
std::string_view baseName(std::string_view path);
// Everything before the last '/', or "" at the root.
std::string_view parentPath(std::string_view path);

// The order hcsshim's export walks a layer (wcow-layer-format §1.2): depth first, siblings in byte order, so every
// parent precedes its children. Compares paths component by component.
bool walkOrderLess(std::string_view a, std::string_view b);

// For a whiteout "dir/.wh.name": the path it deletes, "dir/name". Returns the path unchanged otherwise.
std::string whiteoutTarget(std::string_view path);

// For a stream "dir/file:stream": the owning file "dir/file". Returns the path unchanged otherwise.
std::string streamOwner(std::string_view path);

} // namespace layerscope::wcow
