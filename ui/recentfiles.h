// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QStringList>

#include <functional>

class QMenu;

namespace layerscope::ui {

// File ▸ Open Recent: the last ten sources opened, newest first, kept in the settings.
class RecentFiles
{
public:
    static constexpr int kMax = 10;

    static QStringList list();
    static void add(const QString& path);
    static void clear();
    // Rebuilds `menu` ("&1 path", …, "Clear List"); picking an entry calls `open` with its path.
    static void fillMenu(QMenu* menu, const std::function<void(const QString&)>& open);
};

} // namespace layerscope::ui
