// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDialog>

class QTreeWidget;

namespace layerscope::ui {

// Help ▸ Keyboard Shortcuts: every shortcut the window answers, read from its actions (so the list is never out of
// date), plus the few keys that are not actions.
class ShortcutsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ShortcutsDialog(QWidget* window);

    QTreeWidget* list() const { return m_list; }

private:
    QTreeWidget* m_list;
};

} // namespace layerscope::ui
