// SPDX-License-Identifier: Apache-2.0
#include "chainmodel.h"

#include "formatting.h"
#include "itemroles.h"
#include "theme.h"

#include <QApplication>
#include <QColor>
#include <QFileInfo>
#include <QFont>
#include <QLocale>
#include <QStyle>

namespace layerscope::ui {

ChainModel::ChainModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void ChainModel::setSource(std::shared_ptr<const LoadedSource> source)
{
    beginResetModel();
    m_source = std::move(source);
    m_disks.clear();
    if (m_source)
        for (const LoadedLayer& layer : m_source->layers)
            for (const QString& disk : layer.disks)
                m_disks.push_back({disk, layer.position, QFileInfo(disk).size()});
    endResetModel();
}

int ChainModel::mergedRow() const
{
    return m_source && !m_source->layers.empty() ? int(m_source->layers.size()) : -1;
}

const LoadedLayer* ChainModel::layerAt(int row) const
{
    if (!m_source || row < 0 || row >= int(m_source->layers.size()))
        return nullptr;
    return &m_source->layers[size_t(row)];
}

bool ChainModel::hasTars() const
{
    return m_source && m_source->kind != "layer-folder";
}

const ChainModel::Disk* ChainModel::diskAt(int row) const
{
    const int first = mergedRow() + 1;
    if (first <= 0 || row < first || row >= first + int(m_disks.size()))
        return nullptr;
    return &m_disks[size_t(row - first)];
}

uint64_t ChainModel::totalStoredSize() const
{
    uint64_t total = 0;
    if (m_source)
        for (const auto& layer : m_source->layers)
            total += layer.present ? layer.storedSize : 0;
    return total;
}

uint64_t ChainModel::totalUncompressedSize() const
{
    uint64_t total = 0;
    if (m_source)
        for (const auto& layer : m_source->layers)
            total += layer.present ? layer.uncompressedSize : 0;
    return total;
}

int ChainModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_source || m_source->layers.empty())
        return 0;
    return int(m_source->layers.size()) + 1 + int(m_disks.size());
}

int ChainModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ChainModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const int column = index.column();
    if (const Disk* disk = diskAt(index.row()))
        return diskData(*disk, column, role);
    const LoadedLayer* layer = layerAt(index.row());

    if (!layer) { // the merged row
        const auto& merged = m_source->merged;
        switch (role) {
        case Qt::DisplayRole:
            if (column == Position)
                return tr("Merged");
            if (column == Entries && merged)
                return QLocale().toString(qulonglong(merged->recordCount()));
            if (column == Size)
                return Formatting::size(totalStoredSize());
            if (column == Uncompressed && hasTars())
                return Formatting::size(totalUncompressedSize());
            if (column == CreatedBy)
                return tr("all layers applied, base to top");
            return {};
        case Qt::FontRole: {
            QFont font;
            font.setBold(true);
            return font;
        }
        case SortRole:
            return column == Position ? QVariant(INT_MAX) : QVariant();
        case LayerRole:
            return -1;
        case Qt::TextAlignmentRole:
            if (column == Size || column == Uncompressed || column == Entries)
                return QVariant(Qt::AlignRight | Qt::AlignVCenter);
            return {};
        case Qt::ToolTipRole:
            if (column == Size || column == Uncompressed)
                return tr("Image total: %1 stored, %2 uncompressed")
                    .arg(Formatting::exactSize(totalStoredSize()), Formatting::exactSize(totalUncompressedSize()));
            return tr("The merged view: every layer applied with its whiteouts; the Layer column names the layer "
                      "that last set each entry");
        }
        return {};
    }

    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Position:
            return layer->position;
        case Digest:
            if (!layer->digest.empty())
                return Formatting::shortDigest(layer->digest);
            return layer->folderId.empty() ? tr("(unknown)") : Formatting::shortDigest(layer->folderId);
        case Size:
            return Formatting::size(layer->storedSize);
        case Uncompressed:
            return layer->present && hasTars() ? Formatting::size(layer->uncompressedSize) : QString();
        case Layout:
            return QString::fromStdString(layer->layout);
        case Foreign:
            if (!layer->foreign)
                return QString();
            return layer->present ? tr("foreign") : tr("foreign (absent)");
        case Entries:
            return QLocale().toString(qulonglong(layer->counts.entries));
        case CreatedBy:
            return QString::fromStdString(layer->createdBy);
        }
        return {};
    case Qt::ToolTipRole:
        switch (column) {
        case Digest:
            if (layer->digest.empty() && !layer->folderId.empty())
                return tr("layer folder %1").arg(QString::fromStdString(layer->folderId));
            return QStringLiteral("digest: %1\ndiff_id: %2")
                .arg(QString::fromStdString(layer->digest), QString::fromStdString(layer->diffId));
        case Size:
        case Uncompressed:
            return tr("%1 stored (%2), %3 uncompressed")
                .arg(Formatting::exactSize(layer->storedSize), QString::fromStdString(layer->compression),
                     Formatting::exactSize(layer->uncompressedSize));
        case CreatedBy:
            return QString::fromStdString(layer->createdBy);
        case Foreign: {
            QStringList urls;
            for (const auto& url : layer->urls)
                urls << QString::fromStdString(url);
            return urls.join(QLatin1Char('\n'));
        }
        }
        if (!layer->problems.empty())
            return tr("%n layout problem(s)", nullptr, int(layer->problems.size()));
        return {};
    case Qt::TextAlignmentRole:
        if (column == Size || column == Uncompressed || column == Entries || column == Position)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        if (!layer->present)
            return Theme::color(Theme::Dimmed);
        return {};
    case SortRole:
        switch (column) {
        case Position:
            return layer->position;
        case Size:
            return qulonglong(layer->storedSize);
        case Uncompressed:
            return qulonglong(layer->uncompressedSize);
        case Entries:
            return qulonglong(layer->counts.entries);
        }
        return data(index, Qt::DisplayRole);
    case LayerRole:
        return layer->position;
    }
    return {};
}

QVariant ChainModel::diskData(const Disk& disk, int column, int role) const
{
    const QString name = QFileInfo(disk.path).fileName();
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Position:
            return tr("Disk");
        case Digest:
            return name;
        case Size:
            return Formatting::size(uint64_t(disk.size));
        case Layout:
            return tr("NTFS volume");
        case CreatedBy:
            return tr("in the folder of layer %1").arg(disk.layer);
        }
        return {};
    case Qt::DecorationRole:
        return column == Position ? QApplication::style()->standardIcon(QStyle::SP_DriveHDIcon) : QVariant();
    case Qt::ToolTipRole:
        return tr("%1\nThe NTFS volume inside this disk, browsed like a layer. Its context menu compares a top "
                  "layer's sandbox with the chain: what the container changed.")
            .arg(disk.path);
    case Qt::TextAlignmentRole:
        if (column == Size)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
        return column == Size ? QVariant(qulonglong(disk.size)) : diskData(disk, column, Qt::DisplayRole);
    case LayerRole:
        return -2;
    case DiskRole:
        return disk.path;
    }
    return {};
}

QVariant ChainModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Position:
        return tr("#");
    case Digest:
        return hasTars() ? tr("Digest") : tr("Folder"); // a layer folder's blobs have no digest; its name is its id
    case Size:
        return tr("Stored");
    case Uncompressed:
        return tr("Uncompressed");
    case Layout:
        return tr("Layout");
    case Foreign:
        return tr("Foreign");
    case Entries:
        return tr("Entries");
    case CreatedBy:
        return tr("Created by");
    }
    return {};
}

} // namespace layerscope::ui
