// SPDX-License-Identifier: Apache-2.0
// layerscope: the desktop face. Argument handling only; everything else lives in layerscope_ui.
#include "mainwindow.h"
#include "screenshottaker.h"
#include "theme.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv)
{
    // Fractional scale factors (150 %) as the desktop asks, instead of rounding them.
    QApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("LayerScope"));
    QApplication::setApplicationName(QStringLiteral("LayerScope"));
    QApplication::setApplicationVersion(QStringLiteral(LAYERSCOPE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("layerscope"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Inspect, diff and build Windows container image layers."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("paths"),
                                 QStringLiteral("Layer blobs or image sources to open; with two, compare them."),
                                 QStringLiteral("[PATH…]"));
    const QCommandLineOption sample(QStringLiteral("sample"), QStringLiteral("Open the built-in sample image."));
    parser.addOption(sample);
    // For tests/ui/screenshots.sh: save PNGs of each pane once loading is done, then quit.
    QCommandLineOption screenshot(QStringLiteral("screenshot"), QStringLiteral("Save pane screenshots to DIR."),
                                  QStringLiteral("DIR"));
    screenshot.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(screenshot);
    QCommandLineOption select(QStringLiteral("select"), QStringLiteral("Select this entry path."),
                              QStringLiteral("PATH"));
    select.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(select);
    QCommandLineOption hiveEntry(QStringLiteral("hive-entry"), QStringLiteral("Read this entry as a hive."),
                                 QStringLiteral("PATH"));
    hiveEntry.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(hiveEntry);
    QCommandLineOption hiveKey(QStringLiteral("hive-key"), QStringLiteral("Show this key of the hive."),
                               QStringLiteral("PATH"));
    hiveKey.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(hiveKey);
    QCommandLineOption compareWith(QStringLiteral("compare"), QStringLiteral("Compare tree A with tree B."),
                                   QStringLiteral("A,B"));
    compareWith.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(compareWith);
    QCommandLineOption security(QStringLiteral("security"), QStringLiteral("Show this entry's Security tab."),
                                QStringLiteral("PATH"));
    security.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(security);
    QCommandLineOption filter(QStringLiteral("filter"), QStringLiteral("Filter the merged tree with TEXT."),
                              QStringLiteral("TEXT"));
    filter.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(filter);
    QCommandLineOption cancelDiff(QStringLiteral("cancel-diff"), QStringLiteral("Compare again and cancel."));
    cancelDiff.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(cancelDiff);
    QCommandLineOption spaceShot(QStringLiteral("space"), QStringLiteral("Save the Space tab once measured."));
    spaceShot.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(spaceShot);
    QCommandLineOption suffix(QStringLiteral("screenshot-suffix"), QStringLiteral("Append TEXT to file names."),
                              QStringLiteral("TEXT"));
    suffix.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(suffix);
    const QCommandLineOption theme(QStringLiteral("theme"), QStringLiteral("Colours: system, light or dark."),
                                   QStringLiteral("THEME"));
    parser.addOption(theme);
    parser.process(app);

    if (parser.isSet(theme)) {
        const QString name = parser.value(theme);
        using layerscope::ui::Theme;
        Theme::apply(name == Theme::name(Theme::Mode::Dark)        ? Theme::Mode::Dark
                         : name == Theme::name(Theme::Mode::Light) ? Theme::Mode::Light
                                                                   : Theme::Mode::System);
    }
    layerscope::ui::MainWindow window;
    window.show();
    const QStringList paths = parser.positionalArguments();
    if (parser.isSet(sample))
        window.openSample();
    else if (paths.size() == 2)
        window.compare(paths[0], paths[1]);
    else if (!paths.isEmpty())
        window.openPath(paths.first());
    if (parser.isSet(screenshot)) {
        const QStringList sides = parser.value(compareWith).split(QLatin1Char(','));
        layerscope::ui::ScreenshotTaker::Plan plan;
        plan.dir = parser.value(screenshot);
        plan.selectPath = parser.value(select);
        plan.hiveEntry = parser.value(hiveEntry);
        plan.hiveKey = parser.value(hiveKey);
        plan.compareA = sides.value(0);
        plan.compareB = sides.value(1);
        plan.securityPath = parser.value(security);
        plan.filter = parser.value(filter);
        plan.cancelDiff = parser.isSet(cancelDiff);
        plan.space = parser.isSet(spaceShot);
        plan.suffix = parser.value(suffix);
        (new layerscope::ui::ScreenshotTaker(&window, plan))->start();
    } else if (parser.isSet(select)) {
        QObject::connect(&window, &layerscope::ui::MainWindow::sourceOpened, &window,
                         [&window, path = parser.value(select)] { window.selectEntry(path); });
    }
    return app.exec();
}
