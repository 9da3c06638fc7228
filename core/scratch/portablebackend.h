// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "scratch/scratchbackend.h"

namespace layerscope::scratch {

// The scratch backend that needs no Windows API (issue 7, "Portable backend"):
//  prepare  applies the chosen layers of the chain into a staging sibling of the work folder (Materializer:
//           safe, link-preserving), scans it into the baseline (with each path's Windows metadata and origin
//           layer), saves the session in .layerscope/ and renames the staging folder into place — so a cancelled
//           or failed prepare leaves nothing behind;
//  status   ChangeSet: the folder scanned and compared with the baseline by the diff engine;
//  commit   DeltaLayerWriter into the layer file (packageLayer: atomic, digests), then optionally appendLayer()
//           for a new image; a parentless scratch goes through BaseLayerBuilder (wcow-layer-format §3) instead;
//  discard  renames the folder aside, then removes it without following links.
class PortableBackend final : public ScratchBackend
{
public:
    const char* name() const override { return "portable"; }
    PrepareResult prepare(const PrepareRequest& request, Progress& progress) override;
    ScratchStatus status(const std::filesystem::path& workDir, Progress& progress) override;
    CommitResult commit(const std::filesystem::path& workDir, const CommitRequest& request,
                        Progress& progress) override;
    void discard(const std::filesystem::path& workDir, Progress& progress) override;
};

} // namespace layerscope::scratch
