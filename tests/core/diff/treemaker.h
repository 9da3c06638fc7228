// SPDX-License-Identifier: Apache-2.0
#pragma once

// Builds small trees for the diff tests straight from WindowsEntry values, in tar order, with backuptar-like
// metadata (wcow-layer-format §1.4, §1.5) so that each test changes exactly what it is about.

#include "common/sha256.h"
#include "index/treeindexbuilder.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace difftest {

using layerscope::wcow::EntryType;
using layerscope::wcow::PaxTime;
using layerscope::wcow::WindowsEntry;

inline constexpr const char* kSddl = "O:BAG:SYD:(A;;FA;;;BA)(A;;FA;;;SY)";

class TreeMaker
{
public:
    explicit TreeMaker(bool windows = true)
        : m_windows(windows)
    { }

    WindowsEntry& dir(const std::string& path) { return add(path, EntryType::Directory, {}); }
    WindowsEntry& file(const std::string& path, const std::string& data) { return add(path, EntryType::File, data); }
    WindowsEntry& symlink(const std::string& path, const std::string& target)
    {
        WindowsEntry& e = add(path, EntryType::Symlink, {});
        e.linkTarget = target;
        e.mode = 0120000;
        return e;
    }
    // §1.4: typeflag 1, mode 0644, no fileattr/rawsd/creationtime of its own.
    WindowsEntry& hardlink(const std::string& path, const std::string& target)
    {
        WindowsEntry& e = add(path, EntryType::Hardlink, {});
        e.linkTarget = target;
        e.mode = 0644;
        e.attributes.reset();
        e.sddl.clear();
        e.created.reset();
        return e;
    }
    WindowsEntry& stream(const std::string& owner, const std::string& name, const std::string& data)
    {
        WindowsEntry& e = add(owner + ":" + name, EntryType::Stream, data);
        e.streamName = name;
        e.attributes.reset();
        e.sddl.clear();
        e.created.reset();
        return e;
    }
    WindowsEntry& whiteout(const std::string& path)
    {
        WindowsEntry& e = add(path, EntryType::Whiteout, {});
        e.mode = 0;
        e.attributes.reset();
        e.sddl.clear();
        e.created.reset();
        e.accessed.reset();
        e.changed.reset();
        e.modified = {};
        return e;
    }

    WindowsEntry& at(const std::string& path)
    {
        for (auto& e : m_entries)
            if (e.path == path)
                return e;
        throw std::runtime_error("no entry " + path);
    }
    void setData(const std::string& path, const std::vector<uint8_t>& bytes)
    {
        setData(path, std::string(bytes.begin(), bytes.end()));
    }
    void setData(const std::string& path, const std::string& data)
    {
        m_data[path] = data;
        at(path).size = data.size();
    }
    void rename(const std::string& from, const std::string& to)
    {
        at(from).path = to;
        m_data[to] = m_data[from];
    }
    void remove(const std::string& path)
    {
        m_entries.erase(
            std::remove_if(m_entries.begin(), m_entries.end(), [&](const WindowsEntry& e) { return e.path == path; }),
            m_entries.end());
    }
    void moveToEnd(const std::string& path)
    {
        WindowsEntry e = at(path);
        remove(path);
        m_entries.push_back(e);
    }
    // Strips every Windows PAX record, like a plain (non-backuptar) tar (§1.6 "entries without Windows records").
    void dropWindowsRecords()
    {
        for (auto& e : m_entries) {
            e.attributes.reset();
            e.sddl.clear();
            e.created.reset();
            e.accessed.reset();
            e.changed.reset();
        }
    }

    layerscope::index::TreeIndex build() const
    {
        layerscope::index::TreeIndexBuilder builder(m_windows);
        uint64_t index = 0;
        for (WindowsEntry e : m_entries) {
            e.tarIndex = index++;
            std::optional<layerscope::Sha256Digest> hash;
            if (e.type == EntryType::File || e.type == EntryType::Stream)
                hash = layerscope::Sha256::of(m_data.count(e.path) ? m_data.at(e.path) : std::string());
            builder.add(e, hash);
        }
        return builder.finish();
    }

    // DiffSide::readFiles over this maker's data (by the tree's path of each node), so the diff can look into
    // hives; it holds a copy of the data.
    auto reader() const
    {
        return [data = m_data](const layerscope::index::TreeIndex& tree,
                               const std::vector<layerscope::index::NodeId>& nodes, uint64_t maxBytes,
                               layerscope::Progress&) {
            std::vector<std::vector<uint8_t>> out(nodes.size());
            for (size_t i = 0; i < nodes.size(); ++i) {
                const auto it = data.find(tree.path(nodes[i]));
                if (it != data.end())
                    out[i].assign(it->second.begin(),
                                  it->second.begin() + std::min<size_t>(it->second.size(), maxBytes));
            }
            return out;
        };
    }

private:
    WindowsEntry& add(const std::string& path, EntryType type, const std::string& data)
    {
        const int64_t n = int64_t(m_entries.size());
        WindowsEntry e;
        e.path = path;
        e.type = type;
        e.size = data.size();
        e.mode = type == EntryType::Directory ? 040000 : 0100000;
        if (m_windows) {
            e.attributes = type == EntryType::Directory ? 0x10u : 0x20u;
            e.sddl = kSddl;
            e.created = PaxTime {1600000000 + n, 100};
            e.accessed = PaxTime {1700000000 + n, 300};
            e.changed = PaxTime {1700000500 + n, 400};
        }
        e.modified = PaxTime {1650000000 + n, 200};
        m_data[path] = data;
        m_entries.push_back(e);
        return m_entries.back();
    }

    bool m_windows;
    std::vector<WindowsEntry> m_entries;
    std::map<std::string, std::string> m_data;
};

} // namespace difftest
