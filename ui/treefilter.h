// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "diff/pathglob.h"
#include "index/treeindex.h"

#include <QString>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope::ui {

// The filter of the tree and diff panes. Text with *, ? or [ is a glob with .gitignore's conventions
// (diff::PathGlob::search: "*.dll" names at any depth, "System32/**/*.mui", "/Files/*" anchored at the root,
// "config/" folders only); anything else is a substring of the path. Both ignore case. Runs on a task thread over
// the read-only index and returns the matching nodes depth-first, i.e. in path order.
class TreeFilter
{
public:
    explicit TreeFilter(const QString& text);

    bool isEmpty() const { return m_text.isEmpty(); }
    bool isGlob() const { return m_glob.has_value(); }

    // Whether a path matches; `directory` for folders (a glob ending in '/' wants those only).
    bool matchesPath(std::string_view path, bool directory) const;
    std::vector<index::NodeId> matches(const index::TreeIndex& tree, Progress& progress) const;
    // The deepest folder holding every one of `nodes` (the root when they have none in common but it).
    static index::NodeId commonFolder(const index::TreeIndex& tree, const std::vector<index::NodeId>& nodes);

    // The syntax in one line, for placeholders, and in full, for tooltips.
    static QString placeholder();
    static QString help();

private:
    bool matchesFolded(std::string_view folded, bool directory) const;

    QString m_text;
    std::optional<diff::PathGlob> m_glob;
    std::string m_needle; // folded UTF-8 for substring search
};

} // namespace layerscope::ui
