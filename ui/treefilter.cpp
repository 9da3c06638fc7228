// SPDX-License-Identifier: Apache-2.0
#include "treefilter.h"

#include <algorithm>

namespace layerscope::ui {

using index::NodeId;

namespace {

char asciiLower(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

} // namespace

TreeFilter::TreeFilter(const QString& text)
    : m_text(text.trimmed())
{
    m_glob
        = m_text.contains(QLatin1Char('*')) || m_text.contains(QLatin1Char('?')) || m_text.contains(QLatin1Char('['));
    m_wholePath = m_text.contains(QLatin1Char('/'));
    if (m_glob) {
        m_regex = QRegularExpression(QRegularExpression::wildcardToRegularExpression(m_text),
                                     QRegularExpression::CaseInsensitiveOption);
        m_regex.optimize();
    } else {
        // Only ASCII letters fold: that covers what people type for Windows paths and keeps the loop allocation
        // free; non-ASCII text still matches when typed in the same case.
        m_needle = m_text.toStdString();
        std::transform(m_needle.begin(), m_needle.end(), m_needle.begin(), asciiLower);
    }
}

std::vector<NodeId> TreeFilter::matches(const index::TreeIndex& tree, Progress& progress) const
{
    std::vector<NodeId> result;
    if (m_text.isEmpty() || !isValid())
        return result;

    // Depth-first with an explicit stack and one path buffer, so that no path is built twice.
    struct Frame
    {
        NodeId node;
        size_t next;
        size_t pathLength;
    };
    std::vector<Frame> stack {{tree.root(), 0, 0}};
    std::string path; // lower-cased for substring search, as stored for globs
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
        const std::string_view name = tree.name(child);
        const size_t nameStart = path.size();
        path.append(name);

        bool match;
        if (m_glob) {
            const std::string_view subject = m_wholePath ? std::string_view(path) : name;
            match = m_regex.match(QString::fromUtf8(subject.data(), qsizetype(subject.size()))).hasMatch();
        } else {
            std::transform(path.begin() + qsizetype(nameStart), path.end(), path.begin() + qsizetype(nameStart),
                           asciiLower);
            match = path.find(m_needle) != std::string::npos;
        }
        if (match)
            result.push_back(child);

        if (++visited % 4096 == 0) {
            progress.checkCancelled();
            progress.advance(visited, total);
        }
        stack.push_back({child, 0, path.size()});
    }
    return result;
}

} // namespace layerscope::ui
