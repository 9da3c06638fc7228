// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "index/treeindex.h"

#include <filesystem>
#include <string>

namespace layerscope::index {

struct FolderScanOptions
{
    // Prepended to every path ("Files" makes a plain folder line up with a layer tar's Files/ tree). When set, the
    // scanned folder itself becomes a directory entry of that name, as layer tars carry a "Files" entry.
    std::string prefix;
    bool hashFiles = true; // sha256 of every regular file
    bool caseInsensitive = true; // compare names as NTFS does (Windows trees)
    Progress* progress = nullptr; // advance() gets bytes hashed so far (total unknown)
};

// Indexes a folder on disk the way a layer tar would list it: depth first, parents before children, siblings in
// byte order (as hcsshim's export walks, wcow-layer-format §1.2). Symbolic links are recorded, never followed.
// Regular files seen earlier under another name (same volume and file id) become hard-link entries pointing at
// the first name, as hcsshim's export writes them (§1.6). Reads whatever metadata the filesystem has: sizes and
// times everywhere, attributes and creation times on Windows. Throws layerscope::Error naming the path when a
// folder cannot be read.
TreeIndex scanFolder(const std::filesystem::path& root, const FolderScanOptions& options = {});

} // namespace layerscope::index
