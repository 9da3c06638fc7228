// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "index/treeindex.h"
#include "scratch/scratchbackend.h"
#include "scratch/scratchsession.h"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace layerscope::scratch {

// What changed in a work folder since prepare: the folder scanned now, compared with the baseline by the diff
// engine (diff::TreeDiff over two folder-kind trees: content, size, type, modification time, link target).
//
// The scan skips `.layerscope/` and hashes only files whose size, modification time or change time (POSIX ctime,
// which no tool can set back) differ from the baseline; the others keep their baseline digest, as git's index
// does. A folder whose only difference is its modification time (a child came or went) is not a change of its own.
class ChangeSet
{
public:
    static ChangeSet compute(const std::filesystem::path& workDir, const ScratchSession& session, Progress& progress);

    const ScratchStatus& status() const { return m_status; }
    // The folder as it is now (layer paths "Files/..."), hashes included, records in walk order (parents first,
    // siblings in byte order, wcow-layer-format §1.2).
    const index::TreeIndex& current() const { return m_current; }
    // Folded layer paths of entries to write: added and modified ones.
    const std::set<std::string>& written() const { return m_written; }
    // Layer paths (baseline spelling) of the top-most removed entries: one whiteout each.
    const std::vector<std::string>& removed() const { return m_removed; }

private:
    ScratchStatus m_status;
    index::TreeIndex m_current;
    std::set<std::string> m_written;
    std::vector<std::string> m_removed;
};

} // namespace layerscope::scratch
