// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "io/bytesource.h"
#include "scratch/safefolder.h"
#include "wcow/windowsentry.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope::tar {
class TarReader;
}

namespace layerscope::scratch {

// Applies the layers of a chain, base first, to a work folder the way an importer applies them to a layer
// directory: each entry of Files/ is created (replacing what a lower layer put there), whiteouts delete
// (wcow-layer-format §1.6), hard links become hard links to the file as it is at that point, so a link keeps
// the data it had when a later layer replaces its other name. The result is the merged view's Files/ tree.
//
// Safety (issue 7): every raw name and hard-link target is checked before anything is written
// (rawNameProblem: absolute, drive-letter, backslash, ".."), every component below Files/ must be a name Windows
// can create (device names refused), nothing is written below a link, hard links must point at a regular file
// below Files/, device and FIFO entries are refused — each with an Error naming layer, entry and offset — and
// all writes go through SafeFolder, which never follows a link. Names compare case-insensitively (NTFS): a later
// layer's "windows/x" replaces a lower "Windows/x" in the spelling the disk already has for the parent.
class Materializer
{
public:
    // Windows metadata of one path of the merged view, and where it came from.
    struct Origin
    {
        std::string diskPath; // relative to the work folder, in the spelling on disk
        wcow::EntryType diskType = wcow::EntryType::Directory; // what is on disk (hard links are files)
        bool listed = false; // false for parent folders no layer listed (created implicitly)
        wcow::WindowsEntry entry; // the entry that last set the path (entry.path is the layer path)
        uint16_t layer = 0;
    };

    explicit Materializer(SafeFolder& folder);

    // Applies one layer (stored bytes, any compression). Progress gets `doneBefore` plus the stored bytes read
    // of this layer, out of `total`.
    void applyLayer(std::unique_ptr<io::ByteSource> stored, const std::string& layerName, uint16_t layer,
                    Progress& progress, uint64_t doneBefore, uint64_t total);
    // Re-applies folder times, deepest first (adding children bumped them, §1.6: importers do the same).
    void finish();

    // The origin of a layer path ("Files/a/b"), or nullptr.
    const Origin* origin(std::string_view layerPath) const;

    uint64_t files() const { return m_files; }
    uint64_t directories() const { return m_directories; }
    uint64_t links() const { return m_links; }
    uint64_t bytes() const { return m_bytes; }
    std::vector<std::string> notes() const;

    // The POSIX link text for a Windows print name: relative targets get '/' separators so that file managers
    // follow them inside the folder; absolute ones (C:\..., \\server, \??\) are kept verbatim, dangling.
    static std::string diskLinkTarget(const std::string& printName);

private:
    void applyEntry(const wcow::WindowsEntry& entry, tar::TarReader& reader, uint16_t layer);
    const Origin& ensureParents(std::string_view relative);
    void removeSubtree(const std::string& key);
    void reserveSpace(uint64_t size);
    [[noreturn]] void refuse(const std::string& message) const;

    SafeFolder& m_folder;
    std::map<std::string, Origin> m_nodes; // folded relative path ("" = the work folder itself) -> origin
    std::vector<uint8_t> m_buffer;
    // The entry being applied, for errors.
    std::string m_layerName;
    uint64_t m_entryIndex = 0;
    std::string m_entryPath;
    uint64_t m_entryOffset = 0;
    uint64_t m_files = 0;
    uint64_t m_directories = 0;
    uint64_t m_links = 0;
    uint64_t m_bytes = 0;
    uint64_t m_streams = 0;
    uint64_t m_timeFailures = 0;
    // Free space of the work folder's disk as last asked, less what has been written since: asked again only when
    // a file would not fit, so a layer of many files costs few queries.
    uint64_t m_knownFree = 0;
};

} // namespace layerscope::scratch
