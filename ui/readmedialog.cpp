// SPDX-License-Identifier: Apache-2.0
#include "readmedialog.h"

#include "icons.h"

#include <QDialogButtonBox>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace layerscope::ui {

ReadmeDialog::ReadmeDialog(QWidget* parent)
    : QDialog(parent)
    , m_browser(new QTextBrowser(this))
{
    setObjectName(QStringLiteral("readmeDialog"));
    Icons::initResources(); // the guide is in the library's resources, which a static library must register
    setWindowTitle(tr("LayerScope Guide"));
    m_browser->setObjectName(QStringLiteral("readme"));
    m_browser->setOpenExternalLinks(true);
    m_browser->setSource(QUrl(QString::fromLatin1(kSource)), QTextDocument::MarkdownResource);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_browser);
    layout->addWidget(buttons);
    resize(960, 720);
}

} // namespace layerscope::ui
