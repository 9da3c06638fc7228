// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMessageBox>

namespace layerscope::ui {

// The error dialog: the problem as its title and heading, core's message (file, entry, byte offset) below,
// selectable. QMessageBox sizes itself to its text and ignores a minimum width, so a short message under a long
// title left the title cut off in the window frame; this one reserves room for the title in its layout.
class ErrorDialog : public QMessageBox
{
    Q_OBJECT
public:
    ErrorDialog(const QString& title, const QString& message, QWidget* parent = nullptr);

    // The width the dialog reserves: the title's width plus the frame's buttons, within 80 % of the screen.
    int reservedWidth() const { return m_reserved; }

private:
    int m_reserved = 0;
};

} // namespace layerscope::ui
