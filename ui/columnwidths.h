// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QObject>
#include <QString>

class QTimer;
class QTreeView;
class QWidget;

namespace layerscope::ui {

// Column widths that fit and stay. fit() sizes a view's columns to their content within the view's width: when
// the content wants more room than there is, the view's elastic columns (long texts that read well cut in the
// middle: folders, owners, principals) give way first, then the others, the first column last, so that no column
// pushes the rest off the right edge. A managed view is refitted when it is resized or a folder is expanded. Once
// the user drags a column, the widths are theirs: saved in the settings ("columns/<key>"), restored in the next
// run, and never refitted.
class ColumnWidths : public QObject
{
    Q_OBJECT
public:
    // Restores the saved widths of `view`'s columns (if any), saves them whenever the user resizes one, and refits
    // the view while the widths are not the user's. `elastic` columns give way in the order listed.
    static void manage(QTreeView* view, const QString& key, const QList<int>& elastic = {});
    // Sizes the columns to their content now, unless the user has set widths for this view.
    static void fit(QTreeView* view);
    // Whether the widths of this view are the user's (saved or dragged in this run).
    static bool userSet(const QTreeView* view);
    // Forgets the saved widths of every view (a fresh start, and for tests).
    static void resetAll();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    ColumnWidths(QTreeView* view, const QString& key, const QList<int>& elastic);
    void save();
    void restore();
    void scheduleFit();

    QTreeView* m_view;
    // The view's viewport, kept apart: its events still arrive while the view is being destroyed, when calling
    // m_view->viewport() would be a call on an object that is no longer a QAbstractScrollArea (UBSan's vptr check).
    QWidget* m_viewport;
    QString m_key;
    QList<int> m_elastic;
    QTimer* m_refit;
    bool m_fitting = false;
    bool m_userSet = false;
    bool m_dragging = false;
    bool m_dragged = false;
};

} // namespace layerscope::ui
