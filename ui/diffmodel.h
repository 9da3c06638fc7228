// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "diff/change.h"
#include "loadeddiff.h"

#include <QAbstractItemModel>

#include <memory>
#include <vector>

namespace layerscope::ui {

// The changes of a comparison as a tree by path, filtered by kind, by expected/unexpected and by a search text
// (TreeFilter: substring or glob). Changes stay in the DiffResult; the model keeps one small node
// per change plus one per folder that only groups changes below it (a folder that changed itself is its change's
// node). Kind and expected/unexpected filters rebuild the nodes, which is linear in the number of changes.
class DiffModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { Name, Kind, Fields, Rule, ColumnCount };

    struct Filter
    {
        bool added = true;
        bool removed = true;
        bool changed = true;
        bool expected = true;
        bool unexpected = true;
        QString text; // TreeFilter text matched against the change's path; empty: every path
        bool accepts(const diff::Change& change) const;
        // Whether anything narrows the list (the view then expands what is left).
        bool narrows() const { return !(added && removed && changed && expected && unexpected) || !text.isEmpty(); }
    };

    explicit DiffModel(QObject* parent = nullptr);

    void setDiff(std::shared_ptr<const LoadedDiff> diff);
    void setFilter(const Filter& filter);
    const Filter& filter() const { return m_filter; }
    const std::shared_ptr<const LoadedDiff>& diff() const { return m_diff; }
    // The change shown by a row; nullptr for grouping folders.
    const diff::Change* changeAt(const QModelIndex& index) const;
    // Rows showing a change (not counting grouping folders), after filtering.
    int changeRowCount() const { return m_changeRows; }
    QModelIndex indexOfPath(const QString& path) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Node
    {
        uint32_t parent = 0;
        uint32_t row = 0;
        int64_t change = -1; // index into DiffResult::changes()
        QString name;
        std::vector<uint32_t> children;
    };
    void rebuild();
    bool isDirectoryChange(const diff::Change& change) const;
    const Node& nodeOf(const QModelIndex& index) const;

    std::shared_ptr<const LoadedDiff> m_diff;
    Filter m_filter;
    std::vector<Node> m_nodes; // node 0 is the invisible root
    int m_changeRows = 0;
};

} // namespace layerscope::ui
