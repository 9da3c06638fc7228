// SPDX-License-Identifier: Apache-2.0
// Hostile image sources (issue 11): every case of tests/fixtures/hostilesources.py is refused by the CLI with exit
// 2, one line naming what is wrong, within a memory bound and in seconds — and a command that would write an output
// (a diff's HTML report, a scratch work folder) leaves none.
//
// Memory bound: 128 MiB peak RSS per run (the largest, a 13 MB manifest of 100,000 layers, peaks near 90 MiB); four
// times that under AddressSanitizer, whose shadow memory and quarantine inflate every process.
#include "childprocess.h"
#include "testsupport.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>

namespace fs = std::filesystem;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

constexpr uint64_t kPeakRssBoundKiB = (kAddressSanitizer ? 4 : 1) * 128 * 1024;

nlohmann::json hostileCases()
{
    const auto bytes = testsupport::readAll(testsupport::fixture("hostile/hostile.json"));
    return nlohmann::json::parse(bytes.begin(), bytes.end());
}

} // namespace

class TestHostileSources : public QObject
{
    Q_OBJECT

private slots:
    void refusedWithExitTwoBoundedAndWithoutOutput_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("expect");
        const nlohmann::json cases = hostileCases(); // alive for the loop: items() only refers to it
        for (const auto& [name, c] : cases.items())
            QTest::newRow(name.c_str()) << QString::fromStdString(c.at("path").get<std::string>())
                                        << QString::fromStdString(c.at("command").get<std::string>())
                                        << QString::fromStdString(c.at("expect").get<std::string>());
    }
    void refusedWithExitTwoBoundedAndWithoutOutput()
    {
#ifndef Q_OS_UNIX
        QSKIP("measures the child's peak memory with fork/wait4, which Windows does not have");
#else
        QFETCH(QString, path);
        QFETCH(QString, command);
        QFETCH(QString, expect);
        const std::string source = testsupport::fixture("hostile/" + path.toStdString()).string();
        QTemporaryDir out;
        const fs::path outDir = out.path().toStdString();

        std::vector<std::vector<std::string>> runs;
        if (command == QLatin1String("scratch")) {
            runs.push_back({LAYERSCOPE_CLI, "scratch", "prepare", source, "--workdir", (outDir / "work").string()});
        } else {
            runs.push_back({LAYERSCOPE_CLI, command.toStdString(), source});
            // The same source as one side of a diff that would write an HTML report.
            runs.push_back({LAYERSCOPE_CLI, "diff", "--html", (outDir / "report.html").string(), source, source});
        }
        for (const auto& argv : runs) {
            testsupport::ChildOptions options;
            options.timeout = std::chrono::seconds(60);
            const auto run = testsupport::runChild(argv, options);
            const QString what = QString::fromStdString(argv[1] + ": " + run.err);
            QVERIFY2(!run.timedOut, qPrintable(what));
            QVERIFY2(
                run.exitCode == 2,
                qPrintable(what + " exit " + QString::number(run.exitCode) + " signal " + QString::number(run.signal)));
            // One line, naming the problem.
            QVERIFY2(run.err.find('\n') == run.err.size() - 1, qPrintable(what));
            QVERIFY2(QString::fromStdString(run.err).contains(expect), qPrintable(what));
            QVERIFY2(run.peakRssKiB <= kPeakRssBoundKiB,
                     qPrintable(what + " peak RSS " + QString::number(run.peakRssKiB) + " KiB"));
            qInfo("%s %s: peak RSS %llu KiB", argv[1].c_str(), qPrintable(path),
                  static_cast<unsigned long long>(run.peakRssKiB));
        }
        // Nothing written: no report, no work folder, no staging folder or temporary file beside them.
        std::string left;
        for (const auto& entry : fs::directory_iterator(outDir))
            left += entry.path().filename().string() + " ";
        QVERIFY2(left.empty(), left.c_str());
#endif
    }
};

QTEST_GUILESS_MAIN(TestHostileSources)
#include "tst_hostilesources.moc"
