// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "io/bytesink.h"
#include "wcow/windowsentry.h"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace layerscope::scratch {

// Creates and removes entries inside one root folder without ever following a link: every parent is opened
// relative to the root, one component at a time, refusing symbolic links, junctions and anything that is not a
// directory (POSIX: openat with O_NOFOLLOW | O_DIRECTORY; Windows: each parent checked for a reparse point), and
// the last component is created with create-new semantics and never followed. So no entry of a hostile layer can
// write through a link it (or an earlier layer) planted, and a link is only ever created as a link.
//
// The one place the scratch module talks to the OS about its work folder: safefolder_posix.cpp and
// safefolder_win32.cpp (CMake compiles exactly one). `relative` paths are '/'-separated and already checked by
// relativePathProblem(); "" names the root. Failures throw layerscope::Error naming the path and the OS's reason.
class SafeFolder
{
public:
    // Opens an existing folder, which must be a real directory (not a link to one).
    explicit SafeFolder(const std::filesystem::path& root);
    ~SafeFolder();
    SafeFolder(const SafeFolder&) = delete;
    SafeFolder& operator=(const SafeFolder&) = delete;

    const std::filesystem::path& root() const { return m_root; }

    void createDirectory(std::string_view relative);
    // A new regular file (fails if the name exists); write its data, then finish() closes it.
    std::unique_ptr<io::ByteSink> createFile(std::string_view relative);
    // A symbolic link holding `target` verbatim; the target is never resolved.
    void createSymlink(std::string_view relative, const std::string& target, bool directory);
    // A second name for the regular file at `existing` (both inside the root).
    void createHardLink(std::string_view relative, std::string_view existing);
    // Removes the entry (a directory with everything below it); links are removed, never followed. Absent is fine.
    void remove(std::string_view relative);
    // Sets modification and access times of the entry itself (of a link, not its target).
    void setTimes(std::string_view relative, const wcow::PaxTime& modified, const wcow::PaxTime& accessed);

    // Renames a folder into place, failing (returns false) rather than replacing anything at `to` — even an empty
    // folder, which a plain POSIX rename() would silently replace.
    static bool renameNoReplace(const std::filesystem::path& from, const std::filesystem::path& to);

private:
    struct Impl;
    std::filesystem::path m_root;
    std::unique_ptr<Impl> m_impl;
};

} // namespace layerscope::scratch
