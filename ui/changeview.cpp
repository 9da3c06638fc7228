// SPDX-License-Identifier: Apache-2.0
#include "changeview.h"

#include "theme.h"

#include <QHeaderView>

namespace layerscope::ui {

using diff::Change;

ChangeView::ChangeView(QWidget* parent)
    : QTreeWidget(parent)
{
    setObjectName(QStringLiteral("diffSides"));
    setColumnCount(3);
    setHeaderLabels({tr("Field"), tr("A"), tr("B")});
    setRootIsDecorated(false);
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    setTextElideMode(Qt::ElideMiddle);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    // A and B are read against each other: they share the width equally, whatever the window's size.
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(1, QHeaderView::Stretch);
    header()->setSectionResizeMode(2, QHeaderView::Stretch);
}

void ChangeView::showChange(const diff::DiffResult& result, const Change* change)
{
    clear();
    if (!change)
        return;
    QFont bold = font();
    bold.setBold(true);
    const auto add = [this](const QString& field, const QString& a, const QString& b) {
        auto* item = new QTreeWidgetItem(this, {field, a, b});
        item->setToolTip(1, a);
        item->setToolTip(2, b);
        return item;
    };
    add(tr("Path"), QString::fromStdString(result.path(*change)), QString());
    add(tr("Change"), QString::fromLatin1(diff::changeKindName(change->kind)), QString());
    if (change->expected && change->rule != Change::NoRule) {
        const auto& rule = result.rules()[change->rule];
        add(tr("Expected by"), QString::fromStdString(rule.name()), QString::fromStdString(rule.description()));
    }
    for (int f = 0; f < int(diff::Field::Count); ++f) {
        const auto field = diff::Field(f);
        if (!result.comparedFields().contains(field))
            continue;
        auto* item = add(QString::fromLatin1(diff::fieldName(field)),
                         QString::fromStdString(result.value(*change, field, diff::DiffResult::Side::A)),
                         QString::fromStdString(result.value(*change, field, diff::DiffResult::Side::B)));
        if (change->fields.contains(field)) {
            for (int c = 0; c < 3; ++c)
                item->setFont(c, bold);
            item->setForeground(0, Theme::color(change->explained.contains(field) ? Theme::Dimmed : Theme::Error));
        }
    }
}

} // namespace layerscope::ui
