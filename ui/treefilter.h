// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "index/treeindex.h"

#include <QRegularExpression>
#include <QString>

#include <string>
#include <vector>

namespace layerscope::ui {

// The tree pane's filter. Text with *, ? or [ is a glob (on the name, or on the whole path when it contains '/');
// anything else is a case-insensitive substring of the path. Runs on a task thread over the read-only index and
// returns the matching nodes depth-first, i.e. in path order.
class TreeFilter
{
public:
    explicit TreeFilter(const QString& text);

    bool isEmpty() const { return m_text.isEmpty(); }
    bool isGlob() const { return m_glob; }
    bool isValid() const { return !m_glob || m_regex.isValid(); }

    std::vector<index::NodeId> matches(const index::TreeIndex& tree, Progress& progress) const;

private:
    QString m_text;
    bool m_glob = false;
    bool m_wholePath = false;
    QRegularExpression m_regex;
    std::string m_needle; // lower-cased UTF-8 for substring search
};

} // namespace layerscope::ui
