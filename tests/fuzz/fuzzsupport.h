// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared by the libFuzzer harnesses (fuzz_*.cpp): an in-memory blob store, a splitter for inputs that carry
// several files, and scratch files for readers that only take paths. Everything a harness checks beyond "no
// crash" ends in FUZZ_CHECK, which aborts so that both libFuzzer and the replay driver report it.

#include "common/error.h"
#include "common/sha256.h"
#include "image/blobstore.h"
#include "io/bytesource.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#define FUZZ_CHECK(condition, what)                                                                                    \
    do {                                                                                                               \
        if (!(condition)) {                                                                                            \
            std::fprintf(stderr, "fuzz property violated at %s:%d: %s\n", __FILE__, __LINE__, (what));                 \
            std::abort();                                                                                              \
        }                                                                                                              \
    } while (false)

namespace fuzzsupport {

inline std::string_view text(const uint8_t* data, size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

// Splits `input` at every occurrence of `separator` (at most `maxParts` parts; the last one keeps the rest).
inline std::vector<std::string_view> split(std::string_view input, std::string_view separator, size_t maxParts)
{
    std::vector<std::string_view> parts;
    while (parts.size() + 1 < maxParts) {
        const size_t at = input.find(separator);
        if (at == std::string_view::npos)
            break;
        parts.push_back(input.substr(0, at));
        input.remove_prefix(at + separator.size());
    }
    parts.push_back(input);
    return parts;
}

// The files of an image source held in memory, for the OCI and docker harnesses.
class MemoryBlobStore final : public layerscope::image::BlobStore
{
public:
    std::map<std::string, std::vector<uint8_t>> files;

    bool exists(const std::string& path) const override { return files.count(path) != 0; }
    std::optional<uint64_t> size(const std::string& path) const override
    {
        const auto it = files.find(path);
        if (it == files.end())
            return std::nullopt;
        return it->second.size();
    }
    std::unique_ptr<layerscope::io::ByteSource> open(const std::string& path) const override
    {
        const auto it = files.find(path);
        if (it == files.end())
            throw layerscope::Error({displayName(path), {}, {}, {}}, "no such file");
        return std::make_unique<layerscope::io::MemorySource>(it->second, displayName(path));
    }
    std::string displayName(const std::string& path) const override { return "memory@" + path; }
    const std::string& name() const override { return m_name; }

private:
    std::string m_name = "memory";
};

// An image source written as one text, so that a fuzzer can mutate every file of it at once:
//   "--- NAME\n" CONTENT "\n--- NAME\n" CONTENT ...
// A NAME "@c" (c one character) is a blob stored at blobs/sha256/<hex of its content>; "@c" + a suffix stores it at
// <hex> + suffix (legacy docker archives name configs "<hex>.json"). Inside contents "@c" becomes that blob's
// digest ("sha256:<hex>"), "%c" its path and "#c" its size in bytes, for
// blobs that come later in the text (each blob is resolved from the last to the first, so a fuzzer cannot make a
// digest depend on itself; references to earlier blobs stay as written). Without this the fuzzer could never
// produce a manifest whose digests match and would never get past the first check.
inline MemoryBlobStore imageStore(std::string_view input)
{
    struct Part
    {
        std::string name;
        std::string content;
    };
    std::vector<Part> parts;
    size_t pos = input.starts_with("--- ") ? 0 : std::string_view::npos;
    while (pos != std::string_view::npos && parts.size() < 64) {
        const size_t nameStart = pos + 4;
        const size_t nameEnd = input.find('\n', nameStart);
        if (nameEnd == std::string_view::npos)
            break;
        const size_t next = input.find("\n--- ", nameEnd);
        const size_t contentEnd = next == std::string_view::npos ? input.size() : next;
        parts.push_back({std::string(input.substr(nameStart, nameEnd - nameStart)),
                         std::string(input.substr(nameEnd + 1, contentEnd - nameEnd - 1))});
        pos = next == std::string_view::npos ? next : next + 1;
    }
    std::map<char, std::string> digests;
    std::map<char, std::string> paths;
    std::map<char, size_t> sizes;
    MemoryBlobStore store;
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        std::string resolved;
        const std::string& c = it->content;
        for (size_t i = 0; i < c.size(); ++i) {
            if ((c[i] == '@' || c[i] == '%' || c[i] == '#') && i + 1 < c.size() && digests.count(c[i + 1])) {
                if (c[i] == '@')
                    resolved += digests[c[i + 1]];
                else if (c[i] == '%')
                    resolved += paths[c[i + 1]];
                else
                    resolved += std::to_string(sizes[c[i + 1]]);
                ++i;
            } else {
                resolved += c[i];
            }
        }
        std::vector<uint8_t> bytes(resolved.begin(), resolved.end());
        if (it->name.size() >= 2 && it->name[0] == '@') {
            const char letter = it->name[1];
            const std::string digest = layerscope::toDigestString(layerscope::Sha256::of(bytes));
            const std::string suffix = it->name.substr(2);
            digests[letter] = digest;
            paths[letter] = suffix.empty() ? layerscope::image::BlobStore::blobPath(digest)
                                           : layerscope::digestHex(digest) + suffix;
            sizes[letter] = bytes.size();
            store.files[paths[letter]] = std::move(bytes);
        } else {
            store.files[it->name] = std::move(bytes);
        }
    }
    return store;
}

// A private folder for harnesses whose readers take paths (VHDX, layer folders), made once per process under the
// system's temporary folder and removed at exit.
class ScratchFolder
{
public:
    static const std::filesystem::path& path()
    {
        static ScratchFolder folder;
        return folder.m_path;
    }
    ~ScratchFolder()
    {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }

private:
    ScratchFolder()
    {
        std::random_device random;
        m_path = std::filesystem::temp_directory_path()
            / ("layerscope-fuzz-" + std::to_string(random()) + "-" + std::to_string(random()));
        std::filesystem::create_directories(m_path);
    }
    std::filesystem::path m_path;
};

// Removed and created anew rather than truncated: ext4 flushes a file truncated and rewritten when it is closed
// (auto_da_alloc), which made every run wait for the disk.
inline void writeFile(const std::filesystem::path& path, std::span<const uint8_t> bytes)
{
    std::error_code ec;
    std::filesystem::remove(path, ec);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    FUZZ_CHECK(out.good(), "cannot write the scratch file");
}

} // namespace fuzzsupport
