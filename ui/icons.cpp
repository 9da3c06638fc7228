// SPDX-License-Identifier: Apache-2.0
#include "icons.h"

#include <QApplication>
#include <QImageReader>
#include <QStyle>

#include <mutex>

// Q_INIT_RESOURCE must be used outside any namespace.
static void registerLayerScopeResources()
{
    Q_INIT_RESOURCE(layerscope);
    Q_INIT_RESOURCE(help);
}

namespace layerscope::ui {

void Icons::initResources()
{
    static std::once_flag once;
    std::call_once(once, registerLayerScopeResources);
}

QIcon Icons::get(Icon icon)
{
    initResources();
    static const bool svg = QImageReader::supportedImageFormats().contains("svg");
    const auto pick = [](const char* file, QStyle::StandardPixmap fallback) {
        return svg ? QIcon(QStringLiteral(":/icons/") + QLatin1String(file))
                   : QApplication::style()->standardIcon(fallback);
    };
    switch (icon) {
    case App:
        return pick("layerscope.svg", QStyle::SP_ComputerIcon);
    case Whiteout:
        return pick("whiteout.svg", QStyle::SP_TrashIcon);
    case Hardlink:
        return pick("hardlink.svg", QStyle::SP_FileLinkIcon);
    case Stream:
        return pick("stream.svg", QStyle::SP_FileIcon);
    case NewBase:
        return pick("newbase.svg", QStyle::SP_FileDialogNewFolder);
    case Compare:
        return pick("compare.svg", QStyle::SP_FileDialogContentsView);
    }
    return {};
}

} // namespace layerscope::ui
