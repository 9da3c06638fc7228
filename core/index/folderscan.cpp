// SPDX-License-Identifier: Apache-2.0
#include "index/folderscan.h"

#include "common/error.h"
#include "common/sha256.h"
#include "index/filestat.h"
#include "index/treeindexbuilder.h"
#include "io/filesource.h"
#include "io/platformfile.h"

#include <algorithm>
#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace layerscope::index {

namespace {

struct Pending
{
    std::filesystem::path path;
    std::string relative; // layer path ("Files/a/b")
};

std::string join(const std::string& parent, const std::string& name)
{
    return parent.empty() ? name : parent + '/' + name;
}

class FolderScanner
{
public:
    FolderScanner(const FolderScanOptions& options)
        : m_options(options)
        , m_progress(options.progress ? *options.progress : Progress::none())
        , m_builder(options.caseInsensitive)
    { }

    TreeIndex run(const std::filesystem::path& root)
    {
        const FileStat rootStat = statNoFollow(root);
        if (rootStat.type != wcow::EntryType::Directory)
            throw Error({io::pathToUtf8(root), {}, {}, {}}, "not a folder");
        if (!m_options.prefix.empty())
            add(root, m_options.prefix, rootStat);
        std::vector<Pending> stack;
        pushChildren(root, m_options.prefix, stack);
        while (!stack.empty()) {
            Pending next = std::move(stack.back());
            stack.pop_back();
            m_progress.checkCancelled();
            const FileStat stat = statNoFollow(next.path);
            add(next.path, next.relative, stat);
            if (stat.type == wcow::EntryType::Directory)
                pushChildren(next.path, next.relative, stack);
        }
        return m_builder.finish();
    }

private:
    // Pushes a folder's children so that they pop in byte order of their names (wcow-layer-format §1.2).
    void pushChildren(const std::filesystem::path& folder, const std::string& relative, std::vector<Pending>& stack)
    {
        std::vector<std::pair<std::string, std::filesystem::path>> children;
        for (const auto& name : listFolder(folder))
            children.emplace_back(io::pathToUtf8(name), folder / name);
        std::sort(children.begin(), children.end(),
                  [](const auto& a, const auto& b) { return a.first > b.first; }); // reversed: the stack pops
        for (auto& [name, path] : children)
            stack.push_back({std::move(path), join(relative, name)});
    }

    void add(const std::filesystem::path& path, const std::string& relative, const FileStat& stat)
    {
        wcow::WindowsEntry entry;
        entry.path = relative;
        entry.type = stat.type;
        entry.size = stat.size;
        entry.mode = stat.mode;
        entry.attributes = stat.attributes;
        entry.created = stat.created;
        entry.modified = stat.modified;
        entry.accessed = stat.accessed;
        entry.changed = stat.changed;
        entry.tarIndex = m_nextIndex++;
        std::optional<Sha256Digest> digest;

        if (stat.type == wcow::EntryType::Symlink || stat.type == wcow::EntryType::Junction) {
            entry.linkTarget = stat.linkTarget;
        } else if (stat.type == wcow::EntryType::File) {
            if (stat.linkCount > 1) {
                const auto key = std::make_pair(stat.volume, stat.fileId);
                const auto [it, inserted] = m_firstNames.emplace(key, relative);
                if (!inserted) {
                    // A later name of a file already listed: a hard-link entry naming the first (§1.6).
                    entry.type = wcow::EntryType::Hardlink;
                    entry.size = 0;
                    entry.linkTarget = it->second;
                    m_builder.add(entry, std::nullopt);
                    return;
                }
            }
            if (m_options.hashFiles)
                digest = hashFile(path);
        }
        m_builder.add(entry, digest);
    }

    Sha256Digest hashFile(const std::filesystem::path& path)
    {
        io::FileSource source(path);
        if (!m_buffer)
            m_buffer = std::make_unique<uint8_t[]>(BufferSize);
        for (;;) {
            const size_t n = source.read(m_buffer.get(), BufferSize);
            if (n == 0)
                break;
            m_hash.update(m_buffer.get(), n);
            m_hashed += n;
            m_progress.advance(m_hashed, 0);
            m_progress.checkCancelled();
        }
        return m_hash.finish();
    }

    static constexpr size_t BufferSize = size_t(1) << 20;

    const FolderScanOptions& m_options;
    Progress& m_progress;
    TreeIndexBuilder m_builder;
    std::map<std::pair<uint64_t, uint64_t>, std::string> m_firstNames;
    std::unique_ptr<uint8_t[]> m_buffer;
    Sha256 m_hash;
    uint64_t m_hashed = 0;
    uint64_t m_nextIndex = 0;
};

} // namespace

TreeIndex scanFolder(const std::filesystem::path& root, const FolderScanOptions& options)
{
    return FolderScanner(options).run(root);
}

} // namespace layerscope::index
