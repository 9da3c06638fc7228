// SPDX-License-Identifier: Apache-2.0
#include "scratch/scratchbackend.h"

#include "common/error.h"
#include "io/platformfile.h"
#include "scratch/portablebackend.h"
#include "scratch/scratchsession.h"

namespace layerscope::scratch {

const char* changeKindName(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Added:
        return "added";
    case ChangeKind::Removed:
        return "removed";
    case ChangeKind::Modified:
        return "modified";
    }
    return "modified";
}

std::unique_ptr<ScratchBackend> createPortableBackend()
{
    return std::make_unique<PortableBackend>();
}

#if !defined(_WIN32)
std::unique_ptr<ScratchBackend> createHcsBackend()
{
    throw Error("the Host Compute Service backend exists only in Windows builds (vmcompute.dll is Windows')");
}
#endif

std::unique_ptr<ScratchBackend> openBackend(const std::filesystem::path& workDir)
{
    const ScratchSession session = ScratchSession::load(workDir, false);
    if (session.backend == "portable")
        return createPortableBackend();
    if (session.backend == "hcs")
        return createHcsBackend(); // or why this machine has none
    throw Error({io::pathToUtf8(workDir), {}, {}, {}},
                "was prepared by the '" + session.backend + "' backend, which this build does not have");
}

} // namespace layerscope::scratch
