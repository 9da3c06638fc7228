// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "loadedsource.h"

#include <QAbstractTableModel>

#include <memory>

namespace layerscope::ui {

// The layers of the open source, base to top, a "Merged" row for the merged view, whose sizes are the image's
// totals, and then one row for each virtual disk in a layer folder (a container's sandbox.vhdx, cimfs's
// blank*.vhdx), whose NTFS volume is browsed like a layer.
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
    // The layer at a row; nullptr for the merged row and disk rows.
    const LoadedLayer* layerAt(int row) const;
    // The disk at a row, or nullptr for a layer or the merged row.
    struct Disk
    {
        QString path;
        int layer; // the position of the layer whose folder holds it
        qint64 size; // the disk file's size
    };
    const Disk* diskAt(int row) const;
    // Sums over the layers present: stored blobs and uncompressed tars.
    uint64_t totalStoredSize() const;
    uint64_t totalUncompressedSize() const;
    // Whether the layers are tars (with an uncompressed size), not the folders a Windows host keeps them in.
    bool hasTars() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant diskData(const Disk& disk, int column, int role) const;

    std::shared_ptr<const LoadedSource> m_source;
    std::vector<Disk> m_disks;
};

} // namespace layerscope::ui
