// SPDX-License-Identifier: Apache-2.0
#include "chainpane.h"

#include "chainmodel.h"
#include "itemroles.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeView>
#include <QVBoxLayout>

namespace layerscope::ui {

ChainPane::ChainPane(QWidget* parent)
    : QWidget(parent)
    , m_facts(new QLabel(this))
    , m_view(new QTreeView(this))
    , m_model(new ChainModel(this))
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
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->header()->setStretchLastSection(true);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid())
                    emit layerSelected(current.data(LayerRole).toInt());
            });
}

void ChainPane::setSource(std::shared_ptr<const LoadedSource> source)
{
    QStringList facts;
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
        facts << tr("%n layer(s)", nullptr, int(source->layers.size()));
        QStringList more;
        for (const auto& note : source->notes)
            more << QString::fromStdString(note).toHtmlEscaped();
        for (const auto& finding : source->findings)
            more << QStringLiteral("<span style='color:%1'>%2</span>")
                        .arg(finding.rfind("error", 0) == 0 ? QStringLiteral("#c0392b") : QStringLiteral("#b9770e"),
                             QString::fromStdString(finding).toHtmlEscaped());
        if (!more.isEmpty())
            facts << QStringLiteral("<br>") + more.join(QStringLiteral("<br>"));
    }
    m_facts->setText(facts.join(QStringLiteral(" · ")));
    m_model->setSource(std::move(source));
    for (int c = 0; c < ChainModel::CreatedBy; ++c)
        m_view->resizeColumnToContents(c);
}

void ChainPane::selectLayer(int position)
{
    const int row = position < 0 ? m_model->mergedRow() : position;
    if (row < 0 || row >= m_model->rowCount())
        return;
    m_view->setCurrentIndex(m_model->index(row, 0));
}

} // namespace layerscope::ui
