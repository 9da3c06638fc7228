// SPDX-License-Identifier: Apache-2.0
#include "errordialog.h"

#include <QGridLayout>
#include <QScreen>
#include <QSpacerItem>

namespace layerscope::ui {

ErrorDialog::ErrorDialog(const QString& title, const QString& message, QWidget* parent)
    : QMessageBox(QMessageBox::Critical, title, title, QMessageBox::Ok, parent)
{
    setObjectName(QStringLiteral("errorDialog"));
    setInformativeText(message);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    // The window frame draws the title in a bold system font with buttons beside it; the heading uses the same
    // text. Reserve room for both, and for a readable message, but never more than most of the screen.
    QFont bold = font();
    bold.setBold(true);
    const int titleWidth = QFontMetrics(bold).horizontalAdvance(title) + 160;
    const QScreen* screen = parent ? parent->screen() : this->screen();
    const int limit = screen ? screen->availableGeometry().width() * 8 / 10 : 1200;
    m_reserved = std::min(std::max(titleWidth, fontMetrics().averageCharWidth() * 60), limit);
    if (auto* grid = qobject_cast<QGridLayout*>(layout()))
        grid->addItem(new QSpacerItem(m_reserved, 0, QSizePolicy::Minimum, QSizePolicy::Expanding), grid->rowCount(), 0,
                      1, grid->columnCount());
}

} // namespace layerscope::ui
