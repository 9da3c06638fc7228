// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "baselayer/imagepackager.h"
#include "common/progress.h"
#include "wcow/windowsentry.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace layerscope::scratch {

// What to prepare a scratch layer over.
struct PrepareRequest
{
    // An image source (OCI layout folder or archive, docker save archive, or one layer blob). May be empty when
    // `parentless` is set: the work folder then starts empty.
    std::filesystem::path source;
    // Use layers 0..upTo only (0 = the base layer); nullopt = the whole chain.
    std::optional<size_t> upTo;
    // Commit as a base layer (folder-to-base-layer path, wcow-layer-format §3) instead of a delta over the chain.
    // With a source, its merged view is the starting content (a flattening edit); without, the folder is empty.
    bool parentless = false;
    // The folder to create: it must not exist. The user's files go directly in it (it is the container's C:\,
    // the layer's Files/); LayerScope's state lives in its hidden subfolder `.layerscope/`.
    std::filesystem::path workDir;
    std::string platform; // for multi-platform image indexes; empty = windows/amd64
};

struct PrepareResult
{
    std::filesystem::path workDir;
    // Where the user edits the files ("Open folder"): the work folder itself (portable backend) or the sandbox's
    // mount path (HCS backend, a volume path).
    std::filesystem::path filesFolder;
    size_t layers = 0; // layers of the chain applied
    uint64_t files = 0;
    uint64_t directories = 0;
    uint64_t links = 0; // symbolic links, junctions (as symbolic links) and hard links
    uint64_t bytes = 0; // file data written
    std::vector<std::string> notes; // what could not be represented (e.g. alternate data streams on POSIX)
};

enum class ChangeKind : uint8_t { Added, Removed, Modified };
// "added", "removed", "modified".
const char* changeKindName(ChangeKind kind);

// One change since prepare, as data a list view or JSON can show directly.
struct ScratchChange
{
    std::string path; // layer path, "Files/..."
    ChangeKind kind = ChangeKind::Modified;
    wcow::EntryType type = wcow::EntryType::File; // now (added, modified) or at prepare (removed)
    std::vector<std::string> fields; // for Modified: what differs ("content", "size", "type", "modified", ...)
};

struct ScratchStatus
{
    // Depth first, parents before children. A removed folder is one change; what was inside it is not listed.
    std::vector<ScratchChange> changes;
    uint64_t added = 0;
    uint64_t removed = 0;
    uint64_t modified = 0;

    bool clean() const { return changes.empty(); }
};

struct CommitRequest
{
    // The new layer: .tar, .tar.gz (default for other names) or .tar.zst by extension.
    std::filesystem::path layerOut;
    // Also write a new image: the parent image's layers (up to the prepared one) plus the new layer.
    std::optional<std::filesystem::path> imageOut;
    baselayer::OutputFormat imageFormat = baselayer::OutputFormat::Oci; // Oci or DockerArchive
    bool overwrite = false; // replace existing outputs
    std::string createdBy = "layerscope scratch commit";
    std::optional<wcow::PaxTime> created; // image config/history time; default now
};

struct CommitResult
{
    std::filesystem::path layer;
    std::string digest; // stored layer blob
    std::string diffId; // uncompressed tar
    bool baseLayer = false; // parentless scratch: a base layer was written
    uint64_t entries = 0; // tar entries written
    uint64_t whiteouts = 0;
    ScratchStatus status; // what the layer holds
    std::optional<std::filesystem::path> image;
    std::string manifestDigest; // image digest, when an image was written
    std::string configDigest;
};

// One way of giving the user a writable layer over a chain. Both backends keep their state inside the work
// folder, so a session survives process restarts and a folder can be reopened by path (openBackend()).
//
// Every call is synchronous and meant to run off the GUI thread: it reports progress and polls cancellation
// through `progress` (throwing layerscope::Cancelled), and throws layerscope::Error for bad input. A cancelled
// or failed prepare leaves no work folder; a cancelled or failed commit leaves the work folder and every
// existing output untouched.
class ScratchBackend
{
public:
    virtual ~ScratchBackend() = default;

    // "portable" or "hcs".
    virtual const char* name() const = 0;
    virtual PrepareResult prepare(const PrepareRequest& request, Progress& progress) = 0;
    virtual ScratchStatus status(const std::filesystem::path& workDir, Progress& progress) = 0;
    // Writes the change as a new layer (and optionally a new image). The work folder stays, unchanged.
    virtual CommitResult commit(const std::filesystem::path& workDir, const CommitRequest& request, Progress& progress)
        = 0;
    // Removes the work folder and its state. Refuses a folder that holds no LayerScope state.
    virtual void discard(const std::filesystem::path& workDir, Progress& progress) = 0;
};

// The backend that works everywhere: materialises the merged view into the work folder, commits by comparing
// the folder with its recorded baseline (wcow-layer-format §1).
std::unique_ptr<ScratchBackend> createPortableBackend();

// The Host Compute Service backend (vmcompute.dll, loaded at run time; Windows only). Throws layerscope::Error
// saying why when there is none: "Host Compute Service not available ..." on a Windows without the Containers
// feature (or under wine), and that the build has no such backend elsewhere.
std::unique_ptr<ScratchBackend> createHcsBackend();

// The backend that prepared `workDir` (read from its state). Throws layerscope::Error when the folder holds no
// LayerScope state or names a backend this build lacks.
std::unique_ptr<ScratchBackend> openBackend(const std::filesystem::path& workDir);

} // namespace layerscope::scratch
