// SPDX-License-Identifier: Apache-2.0
#include "disk/diskscan.h"

#include "common/error.h"
#include "disk/mftscan.h"
#include "disk/ntfstreesink.h"
#include "disk/ntfsvolume.h"
#include "disk/ntfswalk.h"

namespace layerscope::disk {

namespace fs = std::filesystem;

index::LayerScan scanDisk(const fs::path& path, const index::ScanOptions& options, const std::string& root)
{
    const NtfsVolume volume(path);
    index::LayerScan scan = scanVolume(volume, options, root);
    std::error_code ec;
    scan.storedSize = fs::file_size(path, ec);
    return scan;
}

index::LayerScan scanVolume(const NtfsVolume& volume, const index::ScanOptions& options, const std::string& root,
                            NtfsReader reader)
{
    const auto empty = [&] {
        index::LayerScan scan;
        scan.source = volume.file();
        scan.uncompressedSize = volume.range().size;
        return scan;
    };
    index::LayerScan scan = empty();
    std::string whyWalked;
    if (reader != NtfsReader::DirectoryWalk) {
        NtfsTreeSink sink(root, options, scan);
        whyWalked = scanMft(volume, sink);
        if (whyWalked.empty()) {
            index::TreeIndex tree = sink.finish();
            // A folder's index holds each name once; records naming the same folder and name (a damaged volume)
            // would make one entry shadow another here, which the walk settles by what the index says.
            if (tree.shadowedRecords().empty() && tree.recordCount() == scan.counts.entries) {
                if (options.buildIndex)
                    scan.index = std::move(tree);
                return scan;
            }
            whyWalked = "two file records give one folder the same name";
        }
        if (reader == NtfsReader::MftScan)
            throw Error({volume.file(), {}, {}, volume.range().offset},
                        "the MFT scan cannot list the volume: " + whyWalked);
        scan = empty(); // what the scan counted goes with it
    }
    NtfsTreeSink sink(root, options, scan);
    walkDirectories(volume, sink);
    if (!whyWalked.empty())
        scan.warnings.push_back("NTFS volume listed by walking its folders, since reading its MFT in order found: "
                                + whyWalked);
    scan.index = options.buildIndex ? sink.finish() : index::TreeIndex();
    return scan;
}

} // namespace layerscope::disk
