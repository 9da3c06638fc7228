// SPDX-License-Identifier: Apache-2.0
#include "shortcutsdialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QSet>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace layerscope::ui {

ShortcutsDialog::ShortcutsDialog(QWidget* window)
    : QDialog(window)
    , m_list(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("shortcutsDialog"));
    setWindowTitle(tr("Keyboard Shortcuts"));
    m_list->setObjectName(QStringLiteral("shortcutList"));
    m_list->setHeaderLabels({tr("Action"), tr("Shortcut")});
    m_list->setRootIsDecorated(false);
    m_list->setAlternatingRowColors(true);
    m_list->setSortingEnabled(true);

    QSet<QString> seen;
    const auto add = [&](QString text, const QString& keys) {
        text.remove(QLatin1Char('&'));
        text.remove(QStringLiteral("…"));
        if (text.isEmpty() || keys.isEmpty() || seen.contains(text + keys))
            return;
        seen.insert(text + keys);
        new QTreeWidgetItem(m_list, {text, keys});
    };
    for (const QAction* action : window->findChildren<QAction*>()) {
        QStringList keys;
        for (const auto& key : action->shortcuts())
            keys << key.toString(QKeySequence::NativeText);
        add(action->text().isEmpty() ? action->toolTip() : action->text(), keys.join(QStringLiteral(", ")));
    }
    // Keys that belong to widgets rather than actions.
    add(tr("Cancel the running task"), QKeySequence(Qt::Key_Escape).toString(QKeySequence::NativeText));
    add(tr("Open the menus and tabs by their underlined letters"), tr("Alt+letter"));
    m_list->sortByColumn(0, Qt::AscendingOrder);
    m_list->resizeColumnToContents(0);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_list);
    layout->addWidget(buttons);
    resize(560, 520);
}

} // namespace layerscope::ui
