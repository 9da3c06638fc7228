// SPDX-License-Identifier: Apache-2.0
#include "recentfiles.h"

#include <QFileInfo>
#include <QMenu>
#include <QObject>
#include <QSettings>

namespace layerscope::ui {

namespace {

const QString kKey = QStringLiteral("recentFiles");

} // namespace

QStringList RecentFiles::list()
{
    return QSettings().value(kKey).toStringList();
}

void RecentFiles::add(const QString& path)
{
    QStringList files = list();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMax)
        files.removeLast();
    QSettings().setValue(kKey, files);
}

void RecentFiles::clear()
{
    QSettings().remove(kKey);
}

void RecentFiles::fillMenu(QMenu* menu, const std::function<void(const QString&)>& open)
{
    menu->clear();
    const QStringList files = list();
    for (int i = 0; i < files.size(); ++i) {
        const QString path = files[i];
        // "&1".."&9", "1&0": each entry keeps a mnemonic of its own.
        const QString number = i < 9 ? QStringLiteral("&%1").arg(i + 1) : QStringLiteral("1&0");
        QString shown = path;
        shown.replace(QLatin1Char('&'), QStringLiteral("&&"));
        auto* action = menu->addAction(QStringLiteral("%1 %2").arg(number, shown));
        QObject::connect(action, &QAction::triggered, menu, [open, path] { open(path); });
        action->setEnabled(QFileInfo::exists(path));
    }
    if (files.isEmpty()) {
        menu->addAction(QObject::tr("(none)"))->setEnabled(false);
        return;
    }
    menu->addSeparator();
    menu->addAction(QObject::tr("&Clear List"), menu, [] { clear(); });
}

} // namespace layerscope::ui
