// SPDX-License-Identifier: Apache-2.0
#include "chainpane.h"

#include "chainmodel.h"
#include "columnwidths.h"
#include "formatting.h"
#include "itemroles.h"
#include "theme.h"

#include <QAction>

#include <QApplication>
#include <QClipboard>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>

namespace layerscope::ui {

ChainPane::ChainPane(QWidget* parent)
    : QWidget(parent)
    , m_facts(new QLabel(this))
    , m_view(new QTreeView(this))
    , m_model(new ChainModel(this))
    , m_copyDigest(new QAction(tr("Copy &Full Digest"), this))
    , m_exportBlob(new QAction(tr("E&xport Layer Blob…"), this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_facts);
    layout->addWidget(m_view);

    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_facts->setWordWrap(true);
    m_facts->setContentsMargins(4, 2, 4, 2);
    m_facts->setText(tr("Nothing open. Use File ▸ Open, drop a layer here, or try File ▸ Open Sample."));

    m_view->setObjectName(QStringLiteral("chainView"));
    m_view->setModel(m_model);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    // Several rows for a range to squash; the current row still picks the layer shown.
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->header()->setStretchLastSection(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    ColumnWidths::manage(m_view, QStringLiteral("chain"), {ChainModel::CreatedBy, ChainModel::Digest});

    m_copyDigest->setObjectName(QStringLiteral("actionCopyDigest"));
    m_copyDigest->setToolTip(tr("Copy the layer's digest (sha256:…) in full"));
    m_exportBlob->setObjectName(QStringLiteral("actionExportBlob"));
    m_exportBlob->setToolTip(tr("Save the layer's blob as stored (compressed as it is) to a file"));
    connect(m_copyDigest, &QAction::triggered, this, &ChainPane::copyDigest);
    connect(m_exportBlob, &QAction::triggered, this, [this] {
        if (currentLayer() >= 0)
            emit exportBlobRequested(currentLayer());
    });
    connect(m_view, &QTreeView::customContextMenuRequested, this, &ChainPane::showContextMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                updateActions();
                if (!current.isValid())
                    return;
                if (const QVariant disk = current.data(DiskRole); disk.isValid())
                    emit diskSelected(disk.toString());
                else
                    emit layerSelected(current.data(LayerRole).toInt());
            });
    updateActions();
}

int ChainPane::currentLayer() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? current.data(LayerRole).toInt() : -1;
}

std::pair<int, int> ChainPane::selectedLayerRange() const
{
    int low = -1;
    int high = -1;
    for (const QModelIndex& index : m_view->selectionModel()->selectedRows()) {
        const int layer = index.data(LayerRole).toInt();
        if (layer < 0)
            continue;
        low = low < 0 ? layer : std::min(low, layer);
        high = std::max(high, layer);
    }
    return {low, high};
}

void ChainPane::updateActions()
{
    const LoadedLayer* layer = m_model->layerAt(m_view->currentIndex().row());
    m_copyDigest->setEnabled(layer && !layer->digest.empty());
    m_exportBlob->setEnabled(layer && layer->present && m_model->source() && m_model->source()->image);
}

void ChainPane::addContextAction(QAction* action)
{
    m_extraActions << action;
}

bool ChainPane::copyDigest()
{
    const LoadedLayer* layer = m_model->layerAt(m_view->currentIndex().row());
    if (!layer || layer->digest.empty())
        return false;
    QApplication::clipboard()->setText(QString::fromStdString(layer->digest));
    return true;
}

void ChainPane::showContextMenu(const QPoint& pos)
{
    const QModelIndex index = m_view->indexAt(pos);
    // A right click inside a selected range keeps the range (for Squash Layers…); elsewhere it selects that row.
    if (index.isValid() && !m_view->selectionModel()->isRowSelected(index.row(), index.parent()))
        m_view->setCurrentIndex(index);
    updateActions();
    QMenu menu(this);
    menu.addAction(m_copyDigest);
    menu.addAction(m_exportBlob);
    if (const QList<QAction*> disks = diskActions(&menu); !disks.isEmpty()) {
        menu.addSeparator();
        menu.addActions(disks);
    }
    if (!m_extraActions.isEmpty()) {
        menu.addSeparator();
        menu.addActions(m_extraActions);
    }
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

QList<QAction*> ChainPane::diskActions(QObject* parent)
{
    QList<QAction*> actions;
    const int row = m_view->currentIndex().row();
    std::vector<QString> disks;
    int position = -1;
    if (const LoadedLayer* layer = m_model->layerAt(row)) {
        disks = layer->disks;
        position = layer->position;
    } else if (const ChainModel::Disk* disk = m_model->diskAt(row)) {
        disks = {disk->path};
        position = disk->layer;
    }
    const bool top = m_model->source() && position + 1 == int(m_model->source()->layers.size());
    for (const QString& disk : disks) {
        const QString name = QFileInfo(disk).fileName();
        auto* open = new QAction(tr("Open %1 on Its Own").arg(name), parent);
        open->setObjectName(QStringLiteral("actionOpenDisk"));
        open->setToolTip(
            tr("Open %1 as a document of its own: the NTFS volume inside it, without the chain").arg(name));
        connect(open, &QAction::triggered, this, [this, disk] { emit openDiskRequested(disk); });
        actions << open;
        if (!top)
            continue;
        auto* compare = new QAction(tr("Compare %1 with the Chain").arg(name), parent);
        compare->setObjectName(QStringLiteral("actionCompareDisk"));
        compare->setToolTip(tr("What the container changed: %1 as its writable layer over the merged view (WCI "
                               "placeholders unchanged, tombstones deleted)")
                                .arg(name));
        connect(compare, &QAction::triggered, this, [this, disk] { emit compareDiskRequested(disk); });
        actions << compare;
    }
    return actions;
}

void ChainPane::setSource(std::shared_ptr<const LoadedSource> source)
{
    m_model->setSource(source); // first: the facts below read its totals
    QStringList facts;
    QString tooltip;
    if (source) {
        facts << QStringLiteral("<b>%1</b>").arg(source->path.toHtmlEscaped());
        facts << tr("kind: %1").arg(QString::fromStdString(source->kind));
        if (!source->os.empty())
            facts << tr("os: %1").arg(QString::fromStdString(source->os));
        if (!source->osVersion.empty())
            facts << tr("os.version: %1").arg(QString::fromStdString(source->osVersion));
        if (!source->architecture.empty())
            facts << tr("architecture: %1").arg(QString::fromStdString(source->architecture));
        for (const auto& tag : source->repoTags)
            facts << tr("tag: %1").arg(QString::fromStdString(tag).toHtmlEscaped());
        if (!source->layers.empty()) {
            facts << (source->layers.size() == 1 ? tr("1 layer") : tr("%1 layers").arg(source->layers.size()));
            const QString stored = Formatting::size(m_model->totalStoredSize());
            facts << (m_model->hasTars() ? tr("total %1 stored, %2 uncompressed")
                                               .arg(stored, Formatting::size(m_model->totalUncompressedSize()))
                                         : tr("total %1 in the folders").arg(stored));
        }
        // Notes (how a layer folder's parents were found, which platform was picked) can run to many lines: counted
        // here and listed in the tooltip, so that they never push the layers out of sight. The first findings stay
        // in view, since they are what is wrong.
        QStringList findings;
        for (const auto& finding : source->findings)
            findings << QStringLiteral("<span style='color:%1'>%2</span>")
                            .arg(Theme::color(finding.rfind("error", 0) == 0 ? Theme::Error : Theme::Warning).name(),
                                 QString::fromStdString(finding).toHtmlEscaped());
        QStringList notes;
        for (const auto& note : source->notes)
            notes << QString::fromStdString(note).toHtmlEscaped();
        // A bare disk has no layers: its notes (the disk's summary first) are all there is to say, so they stay in
        // view.
        if (source->layers.empty())
            facts << notes;
        else if (!notes.isEmpty())
            facts << (notes.size() == 1 ? tr("1 note (hover to read)")
                                        : tr("%1 notes (hover to read)").arg(notes.size()));
        constexpr qsizetype shownFindings = 2;
        if (!findings.isEmpty()) {
            QString line = QStringLiteral("<br>") + findings.mid(0, shownFindings).join(QStringLiteral("<br>"));
            if (findings.size() > shownFindings)
                line += QStringLiteral("<br>")
                    + tr("… and %1 more (hover to read)").arg(findings.size() - shownFindings);
            facts << line;
        }
        tooltip = (findings + notes).join(QStringLiteral("<br>"));
    }
    m_facts->setText(facts.join(QStringLiteral(" · ")));
    m_facts->setToolTip(tooltip);
    // A bare disk has no layers and no disks to list: the facts are the whole pane, and the volume below gets the
    // room an empty table would take.
    m_view->setVisible(!source || m_model->rowCount() > 0);
    fitHeight();
    ColumnWidths::fit(m_view);
    updateActions();
}

bool ChainPane::hasTable() const
{
    return m_view->isVisibleTo(this);
}

void ChainPane::fitHeight()
{
    // Without its table the pane is as tall as its facts at the width it has (a splitter honours the maximum).
    setMaximumHeight(hasTable() ? QWIDGETSIZE_MAX
                                : m_facts->heightForWidth(width()) + m_facts->contentsMargins().top()
                             + m_facts->contentsMargins().bottom());
}

void ChainPane::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (!hasTable())
        fitHeight();
}

bool ChainPane::selectDisk(const QString& path)
{
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (const ChainModel::Disk* disk = m_model->diskAt(row); disk && disk->path == path) {
            m_view->setCurrentIndex(m_model->index(row, 0));
            return true;
        }
    }
    return false;
}

void ChainPane::selectLayer(int position)
{
    const int row = position < 0 ? m_model->mergedRow() : position;
    if (row < 0 || row >= m_model->rowCount())
        return;
    m_view->setCurrentIndex(m_model->index(row, 0));
}

} // namespace layerscope::ui
