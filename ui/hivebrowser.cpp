// SPDX-License-Identifier: Apache-2.0
#include "hivebrowser.h"

#include "hivekeymodel.h"
#include "hivevaluemodel.h"
#include "sortproxymodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

namespace layerscope::ui {

HiveBrowser::HiveBrowser(QWidget* parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_keys(new QTreeView(this))
    , m_values(new QTreeView(this))
    , m_keyModel(new HiveKeyModel(this))
    , m_valueModel(new HiveValueModel(this))
{
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("hiveSplitter"));
    splitter->addWidget(m_keys);
    splitter->addWidget(m_values);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(splitter, 1);

    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_keys->setObjectName(QStringLiteral("hiveKeys"));
    m_keys->setModel(m_keyModel);
    m_keys->setUniformRowHeights(true);
    auto* valueProxy = new SortProxyModel(this);
    valueProxy->setSourceModel(m_valueModel);
    m_values->setObjectName(QStringLiteral("hiveValues"));
    m_values->setModel(valueProxy);
    m_values->setRootIsDecorated(false);
    m_values->setUniformRowHeights(true);
    m_values->setSortingEnabled(true);
    m_values->sortByColumn(-1, Qt::AscendingOrder); // value-list order, as Windows keeps it

    connect(m_keys->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& current) {
        m_valueModel->setKey(m_keyModel->hive(), m_keyModel->keyAt(current));
        m_values->resizeColumnToContents(HiveValueModel::Name);
    });
    clear(tr("No hive open."));
}

void HiveBrowser::clear(const QString& message)
{
    m_valueModel->setKey(nullptr, nullptr);
    m_keyModel->setHive(nullptr);
    m_summary->setText(message);
}

void HiveBrowser::setHive(std::shared_ptr<const hive::HiveReader> hive, const QString& caption)
{
    QStringList lines;
    lines << tr("<b>%1</b> · regf %2 · root \"%3\" · %4")
                 .arg(caption.toHtmlEscaped(), QString::fromStdString(hive->version()),
                      QString::fromStdString(hive->rootName()).toHtmlEscaped(),
                      hive->valid() ? tr("valid") : tr("<span style='color:#c0392b'>invalid</span>"));
    for (const auto& problem : hive->problems())
        lines << QStringLiteral("%1 at byte %2: %3")
                     .arg(QString::fromStdString(hive::severityName(problem.severity)))
                     .arg(problem.offset)
                     .arg(QString::fromStdString(problem.message).toHtmlEscaped());
    m_summary->setText(lines.join(QStringLiteral("<br>")));
    m_valueModel->setKey(nullptr, nullptr);
    m_keyModel->setHive(std::move(hive));
    m_keys->expandToDepth(0);
    const QModelIndex root = m_keyModel->index(0, 0);
    if (root.isValid())
        m_keys->setCurrentIndex(root);
    m_keys->resizeColumnToContents(HiveKeyModel::Name);
}

bool HiveBrowser::selectKey(const QString& path)
{
    const auto& hive = m_keyModel->hive();
    if (!hive)
        return false;
    const QModelIndex index = m_keyModel->indexOfKey(hive->find(path.toStdString()));
    if (!index.isValid())
        return false;
    m_keys->scrollTo(index);
    m_keys->setCurrentIndex(index);
    return true;
}

} // namespace layerscope::ui
