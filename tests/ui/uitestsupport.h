// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers shared by the GUI suites: fixture trees scanned through core, and waiting for the task runner.

#include "index/layerscan.h"
#include "testsupport.h"

#include <QApplication>
#include <QDir>
#include <QFont>
#include <QFontDatabase>

#include <memory>

namespace uitestsupport {

// Scans a generated fixture layer (tests/fixtures) into a shared, read-only index, as the app does.
inline std::shared_ptr<const layerscope::index::TreeIndex> fixtureTree(const std::string& name)
{
    auto scan = layerscope::index::scanLayerFile(testsupport::fixture(name));
    return std::make_shared<const layerscope::index::TreeIndex>(std::move(scan.index));
}

// Qt's offscreen plugin on Windows reads fonts only from Qt's own lib/fonts folder or QT_QPA_FONTDIR, and wine
// passes no QT_* variable on, so a cross-built suite under wine has no font at all: Qt then draws every character
// as a box one em wide, about twice the width of real text, and checks that text fits measure boxes against an
// 800-pixel screen. When the font database is empty, this loads the fonts in LAYERSCOPE_TEST_FONT_DIR (the
// host's DejaVu, passed in by tests/ui/CMakeLists.txt for Windows builds) and makes DejaVu Sans the application
// font at the plugin's size. Call it first thing in initTestCase(); elsewhere it does nothing.
inline void useRealFontsIfThereAreNone()
{
#ifdef LAYERSCOPE_TEST_FONT_DIR
    if (!QFontDatabase::families().isEmpty())
        return;
    const QDir dir(QStringLiteral(LAYERSCOPE_TEST_FONT_DIR));
    QString family;
    for (const QString& name : dir.entryList({QStringLiteral("*.ttf")}, QDir::Files, QDir::Name)) {
        const int id = QFontDatabase::addApplicationFont(dir.filePath(name));
        if (id >= 0 && name.startsWith(QStringLiteral("DejaVuSans.")))
            family = QFontDatabase::applicationFontFamilies(id).value(0);
    }
    if (!family.isEmpty())
        QApplication::setFont(QFont(family, QApplication::font().pointSize()));
#endif
}

} // namespace uitestsupport

#define SKIP_UNLESS_FIXTURE(name)                                                                                      \
    if (!std::filesystem::exists(testsupport::fixture(name)))                                                          \
    QSKIP("fixture " name " missing: run ctest -R fixtures first")
