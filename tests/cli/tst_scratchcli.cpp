// SPDX-License-Identifier: Apache-2.0
// layerscope-cli scratch prepare|status|commit|discard (issue 7) run as a user would: the whole workflow over the
// two-layer fixture image, exit codes (0 done, 1 status found changes, 2 bad input), JSON output, refusals.
#include "cli/clirun.h"
#include "scratch/safefolder.h"
#include "testsupport.h"

#include <QFileInfo>
#include <QTemporaryDir>

using nlohmann::json;
using testsupport::cli;
namespace fs = std::filesystem;

namespace {

QString fixture(const std::string& name)
{
    return QString::fromStdString(testsupport::fixture(name).string());
}

void writeText(const fs::path& path, const std::string& text)
{
    testsupport::writeAll(path, std::vector<uint8_t>(text.begin(), text.end()));
}

} // namespace

class TestScratchCli : public QObject
{
    Q_OBJECT

private slots:
    void prepareEditCommitDiscard()
    {
        QTemporaryDir tmp;
        const QString work = tmp.filePath(QStringLiteral("work"));
        const fs::path w = work.toStdString();

        auto run = cli({QStringLiteral("scratch"), QStringLiteral("prepare"), fixture("images/oci-layout"),
                        QStringLiteral("--workdir"), work, QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        QCOMPARE(run.parsed()["layers"].get<int>(), 2);
        QVERIFY(fs::is_regular_file(w / "NewDir" / "a.txt"));

        run = cli({QStringLiteral("scratch"), QStringLiteral("status"), work});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, std::string("no changes since prepare\n"));

        writeText(w / "hello.txt", "hello\n");
        writeText(w / "NewDir" / "a.txt", "edited\n");
        // SafeFolder rather than fs::remove_all, which MinGW's runtime cannot do beyond 260 characters (Deep is).
        layerscope::scratch::SafeFolder(w).remove("Users/Public/Deep");
        run = cli({QStringLiteral("scratch"), QStringLiteral("status"), QStringLiteral("--json"), work});
        QCOMPARE(run.exitCode, 1); // changes found, like diff
        const json status = run.parsed();
        QCOMPARE(status["added"].get<int>(), 1);
        QCOMPARE(status["removed"].get<int>(), 1);
        QCOMPARE(status["modified"].get<int>(), 1);
        QCOMPARE(status["changes"][0]["path"].get<std::string>(), std::string("Files/hello.txt"));
        QCOMPARE(status["changes"][0]["kind"].get<std::string>(), std::string("added"));

        run = cli({QStringLiteral("scratch"), QStringLiteral("status"), work});
        QVERIFY(run.out.find("D  Files/Users/Public/Deep/\n") != std::string::npos);

        const QString layer = tmp.filePath(QStringLiteral("layer.tar.gz"));
        const QString image = tmp.filePath(QStringLiteral("image.tar"));
        run = cli({QStringLiteral("scratch"), QStringLiteral("commit"), work, QStringLiteral("-o"), layer,
                   QStringLiteral("--image-out"), image, QStringLiteral("--format"), QStringLiteral("docker-archive"),
                   QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        const json committed = run.parsed();
        QCOMPARE(committed["whiteouts"].get<int>(), 1);
        QVERIFY(committed["imageDigest"].get<std::string>().starts_with("sha256:"));

        run = cli({QStringLiteral("verify"), image});
        QVERIFY2(run.exitCode == 0, (run.out + run.err).c_str());
        run = cli({QStringLiteral("chain"), QStringLiteral("--json"), image});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.parsed()["layers"].size(), size_t(3));
        run = cli({QStringLiteral("inspect"), QStringLiteral("--json"), layer});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.parsed()["layout"].get<std::string>(), std::string("windows-delta"));

        // Outputs are never replaced without --force.
        run = cli({QStringLiteral("scratch"), QStringLiteral("commit"), work, QStringLiteral("-o"), layer});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.find("--force") != std::string::npos);
        run = cli({QStringLiteral("scratch"), QStringLiteral("commit"), work, QStringLiteral("-o"), layer,
                   QStringLiteral("--force")});
        QCOMPARE(run.exitCode, 0);

        run = cli({QStringLiteral("scratch"), QStringLiteral("discard"), work});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(!fs::exists(w));
    }

    void parentlessPrepareNeedsNoSource()
    {
        QTemporaryDir tmp;
        const QString work = tmp.filePath(QStringLiteral("work"));
        auto run = cli({QStringLiteral("scratch"), QStringLiteral("prepare"), QStringLiteral("--parentless"),
                        QStringLiteral("--workdir"), work});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        writeText(fs::path(work.toStdString()) / "readme.txt", "base\n");
        const QString layer = tmp.filePath(QStringLiteral("base.tar"));
        run = cli({QStringLiteral("scratch"), QStringLiteral("commit"), work, QStringLiteral("-o"), layer});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        QVERIFY(run.out.find("base layer") != std::string::npos);
        run = cli({QStringLiteral("inspect"), QStringLiteral("--json"), layer});
        QCOMPARE(run.parsed()["layout"].get<std::string>(), std::string("windows-base"));
    }

    void refusalsAndUsageErrors()
    {
        QTemporaryDir tmp;
        fs::create_directory(fs::path(tmp.path().toStdString()) / "outside");
        const QString work = tmp.filePath(QStringLiteral("work"));
        // A hostile layer: exit 2, one line naming the entry, and no work folder.
        auto run = cli({QStringLiteral("scratch"), QStringLiteral("prepare"),
                        fixture("scratch/hostile/symlink-escape.tar"), QStringLiteral("--workdir"), work});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.find("Files/evil/escape-symlink.txt") != std::string::npos, run.err.c_str());
        QVERIFY(!fs::exists(work.toStdString()));
        QVERIFY(fs::is_empty(fs::path(tmp.path().toStdString()) / "outside"));

        // Discard refuses a folder without state.
        run = cli({QStringLiteral("scratch"), QStringLiteral("discard"), tmp.filePath(QStringLiteral("outside"))});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(fs::exists(fs::path(tmp.path().toStdString()) / "outside"));

        QCOMPARE(cli({QStringLiteral("scratch")}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("scratch"), QStringLiteral("--help")}).exitCode, 0);
        QCOMPARE(cli({QStringLiteral("scratch"), QStringLiteral("bogus")}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("scratch"), QStringLiteral("prepare"), fixture("images/oci-layout")}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("scratch"), QStringLiteral("prepare"), fixture("images/oci-layout"),
                      QStringLiteral("--workdir"), work, QStringLiteral("--up-to"), QStringLiteral("7")})
                     .exitCode,
                 2);
        QCOMPARE(cli({QStringLiteral("scratch"), QStringLiteral("commit"), work}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("scratch"), QStringLiteral("prepare"), fixture("images/oci-layout"),
                      QStringLiteral("--workdir"), work, QStringLiteral("--backend"), QStringLiteral("bogus")})
                     .exitCode,
                 2);
    }

    void hcsBackendSaysWhyItIsMissing()
    {
        QTemporaryDir tmp;
        const QString work = tmp.filePath(QStringLiteral("work"));
        const auto run = cli({QStringLiteral("scratch"), QStringLiteral("prepare"), fixture("images/oci-layout"),
                              QStringLiteral("--backend"), QStringLiteral("hcs"), QStringLiteral("--workdir"), work});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(!fs::exists(work.toStdString()));
#ifdef _WIN32
        const QString system = qEnvironmentVariable("SystemRoot", QStringLiteral("C:/Windows"));
        if (QFileInfo::exists(system + QStringLiteral("/System32/vmcompute.dll"))) {
            // The Containers feature is there: the backend loads and refuses the image (it needs layer folders).
            QVERIFY2(run.err.find("on-disk Windows layer folders") != std::string::npos, run.err.c_str());
            return;
        }
        // Windows without the Containers feature, and wine, have no vmcompute.dll; the backend loads it at run time
        // and says so in one line instead of failing to start.
        QVERIFY2(run.err.find("Host Compute Service not available") != std::string::npos, run.err.c_str());
        QVERIFY2(run.err.find("vmcompute.dll") != std::string::npos, run.err.c_str());
#else
        QVERIFY2(run.err.find("only in Windows builds") != std::string::npos, run.err.c_str());
        QSKIP("the \"Host Compute Service not available\" message is Windows': this build has no HCS backend to "
              "load vmcompute.dll");
#endif
    }
};

QTEST_GUILESS_MAIN(TestScratchCli)
#include "tst_scratchcli.moc"
