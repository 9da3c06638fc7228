// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDialog>

class QTextBrowser;

namespace layerscope::ui {

// Help ▸ LayerScope Guide: the README (what LayerScope reads, the CLI, the app, diff rules), built into the
// program with its screenshots so that it is there offline and matches the version running.
class ReadmeDialog : public QDialog
{
    Q_OBJECT
public:
    static constexpr const char* kSource = "qrc:/help/README.md";

    explicit ReadmeDialog(QWidget* parent = nullptr);

    QTextBrowser* browser() const { return m_browser; }

private:
    QTextBrowser* m_browser;
};

} // namespace layerscope::ui
