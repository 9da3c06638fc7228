// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "bytesink.h"
#include "platformfile.h"

#include <filesystem>
#include <memory>
#include <string_view>

namespace layerscope::io {

// ".<name><tag><12 random hex digits>" next to `path`: same folder, hence same volume, so a rename from it into
// place is atomic. Used for temporary files and for staging or retiring whole folders.
std::filesystem::path hiddenSibling(const std::filesystem::path& path, std::string_view tag);

struct AtomicFileOptions
{
    // Replace an existing destination. Off by default: nothing is overwritten without --force or the user's
    // consent (DEVELOPERS.md).
    bool overwrite = false;
};

// Writes a file so that it appears complete or not at all: bytes go to a temporary file next to the
// destination (same directory, hence same volume, so the final rename is atomic), and commit() flushes, syncs
// and renames it into place. Destroying it without commit() — an error, a cancel — removes the temporary file
// and leaves the destination untouched.
class AtomicFile final : public ByteSink
{
public:
    // Throws Error "<path>: already exists (use --force to overwrite)" when the destination exists and
    // overwrite is off, or when the temporary file cannot be created.
    explicit AtomicFile(std::filesystem::path destination, AtomicFileOptions options = {});
    ~AtomicFile() override;
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(const void* data, size_t size) override;
    // Hands buffered bytes to the OS. Does not publish the file: that is commit().
    void finish() override;

    // Finishes, syncs to disk and renames into place. Checks for an existing destination again, atomically
    // where the OS can, since another process may have created it while we were writing.
    void commit();
    // Discards what was written (what the destructor does when commit() was not called).
    void discard() noexcept;

    const std::filesystem::path& destination() const { return m_destination; }
    const std::filesystem::path& temporaryPath() const { return m_temporary; }
    uint64_t bytesWritten() const { return m_bytesWritten; }
    bool committed() const { return m_committed; }

private:
    void flushBuffer();
    [[noreturn]] void failExists() const;

    std::filesystem::path m_destination;
    std::filesystem::path m_temporary;
    AtomicFileOptions m_options;
    PlatformFile m_file;
    std::unique_ptr<uint8_t[]> m_buffer;
    size_t m_buffered = 0;
    uint64_t m_bytesWritten = 0;
    bool m_committed = false;
};

} // namespace layerscope::io
