// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "scratch/changeset.h"
#include "scratch/scratchsession.h"

#include <cstdint>
#include <filesystem>

namespace layerscope::io {
class ByteSink;
}

namespace layerscope::scratch {

// Writes the change of a work folder as a Windows delta layer tar, the way an hcsshim export of a scratch layer
// reads (wcow-layer-format §1):
//  - the Files directory entry first, then changed entries in walk order (parents first, siblings in byte
//    order, §1.2), each with the parent directory entries importers need (§1.2: a parent must come earlier);
//  - new and modified files with their data; deletions as `.wh.<name>` whiteouts right after their parent's
//    entry, one per removed folder (§1.6), as plain entries with mode 0 and time 0 (§1.4); unchanged entries
//    omitted; a Hives directory entry last (imgutil and HCS exports carry one, §1.3);
//  - Windows metadata (§1.4-1.5): PAX records in Go's sorted order, type bits as mode; attributes, security
//    descriptor, creation time and EAs carried over from the baseline for entries that existed at prepare;
//    for new ones attributes ARCHIVE (files) or DIRECTORY (folders), a default security descriptor, and the
//    modification time as creation time;
//  - symbolic links written back with Windows separators; links whose text did not change keep their original
//    print name and kind (junction or symbolic link).
// Names Windows cannot hold (device names, ':' , trailing dots) and `.wh.` names, which a layer cannot express,
// are refused, all of them in one Error, before anything is written.
class DeltaLayerWriter
{
public:
    DeltaLayerWriter(const std::filesystem::path& workDir, const ScratchSession& session, const ChangeSet& changes,
                     wcow::PaxTime now);

    // Writes the complete tar (end marker included) into `tar`; does not finish the sink.
    void write(io::ByteSink& tar, Progress& progress) const;

    uint64_t entries() const { return m_entries; }
    uint64_t whiteouts() const { return m_whiteouts; }

private:
    const std::filesystem::path& m_workDir;
    const ScratchSession& m_session;
    const ChangeSet& m_changes;
    wcow::PaxTime m_now;
    mutable uint64_t m_entries = 0;
    mutable uint64_t m_whiteouts = 0;
};

} // namespace layerscope::scratch
