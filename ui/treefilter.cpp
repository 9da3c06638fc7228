// SPDX-License-Identifier: Apache-2.0
#include "treefilter.h"

#include "wcow/casefold.h"

#include <QObject>

#include <algorithm>

namespace layerscope::ui {

using index::NodeId;

TreeFilter::TreeFilter(const QString& text)
    : m_text(text.trimmed())
{
    const std::string utf8 = m_text.toStdString();
    if (diff::PathGlob::isPattern(utf8)) {
        m_glob.emplace(diff::PathGlob::search(utf8));
    } else {
        // Windows users type backslashes; layer paths use '/'.
        std::string needle = utf8;
        std::replace(needle.begin(), needle.end(), '\\', '/');
        m_needle = wcow::foldCase(needle);
    }
}

QString TreeFilter::placeholder()
{
    return QObject::tr("Filter: text in the path, or a glob like *.dll, WinSxS/**/*.manifest, /Files/* (Ctrl+F)");
}

QString TreeFilter::help()
{
    return QObject::tr(
        "<p>Plain text finds paths containing it; case is ignored and \\ works like /.</p>"
        "<p>With <tt>*</tt>, <tt>?</tt> or <tt>[</tt> the text is a glob, as in .gitignore:</p><ul>"
        "<li><tt>*.dll</tt> — names at any depth (<tt>*</tt> stays within one folder name)</li>"
        "<li><tt>*/config</tt>, <tt>System32/*.dll</tt> — the end of a path, at any depth</li>"
        "<li><tt>WinSxS/**/*.manifest</tt> — <tt>**</tt> spans any number of folders</li>"
        "<li><tt>/Files/Windows/*</tt> — a leading / anchors at the top of the layer</li>"
        "<li><tt>config/</tt> — a trailing / finds folders only</li>"
        "<li><tt>?</tt> one character, <tt>[a-f]</tt> one of a set, <tt>[!a-f]</tt> none of it</li></ul>");
}

bool TreeFilter::matchesPath(std::string_view path, bool directory) const
{
    return !m_text.isEmpty() && matchesFolded(wcow::foldCase(path), directory);
}

bool TreeFilter::matchesFolded(std::string_view folded, bool directory) const
{
    if (m_glob)
        return (directory || !m_glob->directoryOnly()) && m_glob->matches(folded, true);
    return folded.find(m_needle) != std::string_view::npos;
}

std::vector<NodeId> TreeFilter::matches(const index::TreeIndex& tree, Progress& progress) const
{
    std::vector<NodeId> result;
    if (m_text.isEmpty())
        return result;

    // Depth-first with an explicit stack and one folded path buffer, so that no path is built or folded twice.
    struct Frame
    {
        NodeId node;
        size_t next;
        size_t pathLength;
    };
    std::vector<Frame> stack {{tree.root(), 0, 0}};
    std::string path;
    const uint64_t total = tree.nodeCount();
    uint64_t visited = 0;

    while (!stack.empty()) {
        Frame& frame = stack.back();
        const auto children = tree.children(frame.node);
        if (frame.next >= children.size()) {
            stack.pop_back();
            continue;
        }
        const NodeId child = children[frame.next++];
        path.resize(frame.pathLength);
        if (!path.empty())
            path.push_back('/');
        path.append(wcow::foldCase(tree.name(child)));

        const auto* record = tree.record(child);
        const bool directory
            = !record || record->type == wcow::EntryType::Directory || record->type == wcow::EntryType::Junction;
        if (matchesFolded(path, directory))
            result.push_back(child);

        if (++visited % 4096 == 0) {
            progress.checkCancelled();
            progress.advance(visited, total);
        }
        stack.push_back({child, 0, path.size()});
    }
    return result;
}

index::NodeId TreeFilter::commonFolder(const index::TreeIndex& tree, const std::vector<NodeId>& nodes)
{
    // The chain of folders above the first node, then cut to what every other node's chain shares.
    std::vector<NodeId> chain;
    if (nodes.empty())
        return tree.root();
    for (NodeId n = tree.parent(nodes.front()); n != index::InvalidNode; n = tree.parent(n))
        chain.push_back(n);
    std::reverse(chain.begin(), chain.end()); // root first
    std::vector<NodeId> other;
    for (size_t i = 1; i < nodes.size() && chain.size() > 1; ++i) {
        other.clear();
        for (NodeId n = tree.parent(nodes[i]); n != index::InvalidNode; n = tree.parent(n))
            other.push_back(n);
        std::reverse(other.begin(), other.end());
        size_t shared = 0;
        while (shared < chain.size() && shared < other.size() && chain[shared] == other[shared])
            ++shared;
        chain.resize(std::max<size_t>(shared, 1));
    }
    return chain.back();
}

} // namespace layerscope::ui
