// SPDX-License-Identifier: Apache-2.0
#pragma once

// Symbolic links for tests. MinGW's std::filesystem cannot create them on Windows (create_symlink reports "not
// supported"), so on Windows they are made through the product's own platform layer, SafeFolder::createSymlink:
// CreateSymbolicLinkW with SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE. Windows only allows that with Developer
// Mode or the symbolic-link privilege, and wine 8's CreateSymbolicLinkW reports success without making anything,
// so every link is checked after it is made; tests skip, saying why, only when the system cannot make links.

#include "common/error.h"
#include "index/filestat.h"
#include "io/platformfile.h"
#include "scratch/safefolder.h"

#include <QString>
#include <QtTest>

#include <filesystem>
#include <string>
#include <system_error>

namespace testsupport {

// Makes `link` a symbolic link holding `target` verbatim (a folder link when `directory`). Returns an empty string
// when the link exists afterwards, otherwise why this system could not make it.
inline QString makeSymlink(const std::string& target, const std::filesystem::path& link, bool directory = false)
{
    using layerscope::Error;
#ifdef _WIN32
    try {
        layerscope::scratch::SafeFolder(link.parent_path())
            .createSymlink(layerscope::io::pathToUtf8(link.filename()), target, directory);
    } catch (const Error& e) {
        return QStringLiteral("this Windows account cannot create symbolic links: %1").arg(e.what());
    }
#else
    std::error_code ec;
    if (directory)
        std::filesystem::create_directory_symlink(target, link, ec);
    else
        std::filesystem::create_symlink(target, link, ec);
    if (ec)
        return QStringLiteral("cannot create a symbolic link: %1").arg(QString::fromStdString(ec.message()));
#endif
    try {
        if (layerscope::index::statNoFollow(link).type == layerscope::wcow::EntryType::Symlink)
            return {};
    } catch (const Error&) { }
    return QStringLiteral("the system reported a symbolic link as made, but there is none (wine's "
                          "CreateSymbolicLinkW is a stub that does nothing)");
}

// Whether links can be made in `folder` at all, by making and removing a throwaway one; empty when they can.
// For tests whose links are made by the code under test rather than by the test itself.
inline QString symlinkProblem(const std::filesystem::path& folder)
{
    const std::filesystem::path probe = folder / "symlink-probe";
    const QString problem = makeSymlink("symlink-probe-target", probe);
    std::error_code ec;
    std::filesystem::remove(probe, ec);
    return problem;
}

} // namespace testsupport

// QSKIP returns from the test function, so these are macros.
#define MAKE_SYMLINK_OR_SKIP(target, link, directory)                                                                  \
    if (const QString problem_ = testsupport::makeSymlink((target), (link), (directory)); !problem_.isEmpty())         \
    QSKIP(qPrintable(problem_))

#define SKIP_UNLESS_SYMLINKS_IN(folder)                                                                                \
    if (const QString problem_ = testsupport::symlinkProblem(folder); !problem_.isEmpty())                             \
    QSKIP(qPrintable(problem_))
