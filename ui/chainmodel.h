// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "loadedsource.h"

#include <QAbstractTableModel>

#include <memory>

namespace layerscope::ui {

// The layers of the open source, base to top, and a last "Merged" row for the merged view, whose sizes are the
// image's totals.
class ChainModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    // Size is the blob as stored (compressed, what a registry transfers); Uncompressed the layer tar (what it unpacks
    // to, roughly its disk use).
    enum Column { Position, Digest, Size, Uncompressed, Layout, Foreign, Entries, CreatedBy, ColumnCount };

    explicit ChainModel(QObject* parent = nullptr);

    void setSource(std::shared_ptr<const LoadedSource> source);
    const std::shared_ptr<const LoadedSource>& source() const { return m_source; }

    // Row of the merged view (the last row), or -1 when nothing is open.
    int mergedRow() const;
    // The layer at a row; nullptr for the merged row.
    const LoadedLayer* layerAt(int row) const;
    // Sums over the layers present: stored blobs and uncompressed tars.
    uint64_t totalStoredSize() const;
    uint64_t totalUncompressedSize() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const LoadedSource> m_source;
};

} // namespace layerscope::ui
