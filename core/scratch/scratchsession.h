// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/sha256.h"
#include "index/treeindex.h"
#include "wcow/windowsentry.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace layerscope::scratch {

// One path of the work folder as it was right after prepare: what the disk held (for the status comparison) and
// the Windows metadata the chain gave it (carried over into the committed layer, wcow-layer-format §1.4-1.5).
struct BaselineEntry
{
    std::string path; // layer path: "Files" for the work folder itself, "Files/a/b" below it
    wcow::EntryType type
        = wcow::EntryType::File; // on disk, as scanFolder reads it (File, Directory, Symlink, Hardlink)
    uint64_t size = 0;
    std::optional<Sha256Digest> sha256;
    wcow::PaxTime modified; // on disk
    std::optional<wcow::PaxTime> changed; // on disk (POSIX ctime): with size and mtime, the "unchanged" shortcut
    std::string linkTarget; // on disk: symbolic link text, or the first name of a hard-linked file
    // From the chain: the entry that last set this path (its type, attributes, security descriptor, times, link
    // print name, EAs, tarIndex) and which layer that was. nullopt for folders no layer listed.
    std::optional<wcow::WindowsEntry> windows;
    uint16_t layer = 0;
};

// The state of one scratch work folder, kept in WORKDIR/.layerscope/ as two JSON files (session.json: where it
// came from; baseline.json: every path at prepare time) so that a session survives process restarts and other
// tools can read it. JSON rather than a binary format: a million entries cost ~200 MB and a few seconds, and a
// readable baseline is worth that for a tool whose point is showing what changed.
struct ScratchSession
{
    static constexpr int Version = 1;
    static constexpr const char* StateFolderName = ".layerscope";

    std::string backend = "portable";
    std::string source; // absolute path of the image source; empty for a parentless scratch without one
    std::string sourceKind; // image::sourceKindName()
    std::string platform;
    std::optional<size_t> upTo;
    size_t layerCount = 0; // layers of the chain applied
    bool parentless = false;
    std::vector<std::string> layerDigests; // of the applied layers, base first (diff_ids when there is no digest)
    std::vector<std::string> diffIds;
    std::string created; // RFC 3339
    std::vector<std::string> notes;
    std::string backendData; // backend-specific (the HCS backend keeps its layer paths here), JSON text
    std::vector<BaselineEntry> baseline;

    static std::filesystem::path stateFolder(const std::filesystem::path& workDir) { return workDir / StateFolderName; }
    // True when workDir holds a readable session.json of ours.
    static bool isScratchFolder(const std::filesystem::path& workDir);
    // Throws layerscope::Error naming the file when the state is missing or malformed.
    static ScratchSession load(const std::filesystem::path& workDir, bool withBaseline = true);
    // Writes both files atomically (temporary name, then rename) into workDir/.layerscope/, creating it.
    void save(const std::filesystem::path& workDir) const;

    // The baseline as a tree, with the on-disk values, for comparing with a scan of the folder.
    index::TreeIndex baselineTree() const;
};

} // namespace layerscope::scratch
