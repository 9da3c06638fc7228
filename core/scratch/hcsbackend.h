// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "scratch/scratchbackend.h"

#include <memory>

namespace layerscope::scratch {

// The scratch backend over Windows' Host Compute Service (issue 7, "Windows backend"; compiled only on Windows,
// see CMakeLists.txt). vmcompute.dll is loaded at run time (LoadLibraryW / GetProcAddress), so the program starts
// on machines without the Containers feature and reports its absence as an Error.
//
//  prepare  the work folder becomes a sandbox layer over on-disk parent layer folders (a SourceKind::LayerFolder
//           chain such as C:\ProgramData\docker\windowsfilter\<id>, wcow-layer-format §2.1), nearest parent
//           first as HCS expects (§5): CreateSandboxLayer, ActivateLayer, PrepareLayer, GetLayerMountPath. The
//           user edits files under the mount path (a volume path), which the session records.
//  status   ExportLayer into a temporary folder (needs SeBackupPrivilege/SeRestorePrivilege, enabled here): the
//           exported Files\ are the added and modified entries, tombstones.txt the removed ones (§2.5).
//  commit   the same export written as a delta layer tar: Files\, whiteouts from tombstones.txt after their parent,
//           and the exported Hives\*_Delta registry deltas.
//  discard  UnprepareLayer, DeactivateLayer, DestroyLayer, then whatever is left of the folder.
//
// Limits (see core/scratch/README.md): written against hcsshim's declarations of these entry points and not
// compiled or run on this project's Linux CI; exported files are read as plain files, not through BackupRead, so
// security descriptors and EAs are not carried (the importer's inherited ACL applies); no --image-out (the parents
// are folders, not an image); no parentless scratch (use the portable backend).
class HcsBackend final : public ScratchBackend
{
public:
    // Throws layerscope::Error when vmcompute.dll or one of its entry points is missing.
    HcsBackend();
    ~HcsBackend() override;

    const char* name() const override { return "hcs"; }
    PrepareResult prepare(const PrepareRequest& request, Progress& progress) override;
    ScratchStatus status(const std::filesystem::path& workDir, Progress& progress) override;
    CommitResult commit(const std::filesystem::path& workDir, const CommitRequest& request,
                        Progress& progress) override;
    void discard(const std::filesystem::path& workDir, Progress& progress) override;

    struct Api;

private:
    std::unique_ptr<Api> m_api;
};

} // namespace layerscope::scratch
