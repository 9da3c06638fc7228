// SPDX-License-Identifier: Apache-2.0
// layerscope-cli squash (issue 17) run as a user would, with the invariant that proves it: `tree --merged --json` of
// the squashed image equals the original's entry by entry (all but the layer numbers), `verify` exits 0 and
// `hive merged` writes the same hives. The chain is tests/squashchain.h's.
#include "cli/scratchchain.h"
#include "squashchain.h"
#include "testsupport.h"

#include <QTemporaryDir>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

using nlohmann::json;
using testsupport::cli;
namespace fs = std::filesystem;

namespace {

QString q(const fs::path& path)
{
    return QString::fromStdString(path.string());
}

// tree --merged --json entries by path, without "layer".
std::map<std::string, json> mergedTree(const fs::path& image)
{
    const auto run = cli({"tree", "--json", "--merged", q(image)});
    if (run.exitCode != 0)
        throw std::runtime_error("tree failed: " + run.err);
    std::map<std::string, json> out;
    const json doc = run.parsed(); // kept: a range-for over parsed()["entries"] would iterate a dead temporary
    for (json entry : doc.at("entries")) {
        entry.erase("layer");
        out[entry["path"].get<std::string>()] = entry;
    }
    return out;
}

} // namespace

class TestSquashCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_chain;

    fs::path path(const std::string& name) const { return fs::path(m_dir.path().toStdString()) / name; }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_chain = path("chain");
        squashchain::writeChain(m_chain);
    }

    void squashedImageHasTheSameMergedTreeRegistryAndVerifies_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("layout");
        QTest::newRow("default: everything above the base") << QStringList {} << "windows-delta";
        QTest::newRow("the middle, as a docker archive")
            << QStringList {"--layers", "1..2", "--format", "docker-archive", "--tag", "squashed:1"} << "windows-delta";
        QTest::newRow("the whole chain into a base") << QStringList {"--layers", "0.."} << "windows-base";
    }
    void squashedImageHasTheSameMergedTreeRegistryAndVerifies()
    {
        QFETCH(QStringList, options);
        QFETCH(QString, layout);
        const fs::path out = path("out-" + std::to_string(std::hash<std::string> {}(options.join(' ').toStdString())));
        const auto run = cli(QStringList {"squash", "--json", q(m_chain), "-o", q(out)} + options);
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        const json result = run.parsed();
        QCOMPARE(result["layout"].get<std::string>(), layout.toStdString());
        QCOMPARE(result["layersBefore"], json(5));

        // Hives whose registry was merged differ as files and are compared as registries below.
        std::set<std::string> merged;
        for (const json& h : result["mergedHives"]) {
            const std::string name = h.get<std::string>();
            merged.insert(name.ends_with("_Delta") ? "Hives/" + name : "Files/Windows/System32/config/" + name);
        }
        const auto before = mergedTree(m_chain);
        const auto after = mergedTree(out);
        for (const auto& [p, entry] : before) {
            if (merged.contains(p) || (layout == "windows-base" && p.starts_with("Hives")))
                continue;
            QVERIFY2(after.contains(p), p.c_str());
            QVERIFY2(after.at(p) == entry, (p + "\n" + entry.dump() + "\n" + after.at(p).dump()).c_str());
        }
        for (const auto& [p, entry] : after)
            QVERIFY2(merged.contains(p) || before.contains(p), p.c_str());

        const auto verify = cli({"verify", q(out)});
        QVERIFY2(verify.exitCode == 0, (verify.out + verify.err).c_str());

        for (const char* hive : {"DEFAULT", "SAM", "SECURITY", "SOFTWARE", "SYSTEM"}) {
            const fs::path a = path(std::string("a-") + hive);
            const fs::path b = path(std::string("b-") + hive);
            QCOMPARE(cli({"hive", "merged", "--force", "-o", q(a), q(m_chain), hive}).exitCode, 0);
            QCOMPARE(cli({"hive", "merged", "--force", "-o", q(b), q(out), hive}).exitCode, 0);
            QVERIFY2(testsupport::readAll(a) == testsupport::readAll(b), hive);
        }
    }

    // On what LayerScope itself builds: make-base, then two layers made by scratch commit (a file added with a copy
    // and a log; then the copy deleted and the file rewritten). Squashed above the base, and the whole chain into a
    // base: the merged tree stays entry for entry, and both verify.
    void squashesMakeBaseAndScratchCommits()
    {
        fs::create_directories(path("own"));
        const testsupport::ScratchChain chain = testsupport::buildScratchChain(q(path("own")));
        QVERIFY(!chain.secondImage.isEmpty());
        const auto before = mergedTree(chain.secondImage.toStdString());
        QVERIFY(before.contains("Files/App/big.bin"));
        QVERIFY(!before.contains("Files/App/copy.bin"));
        for (const QStringList& options : {QStringList {}, QStringList {"--layers", "0.."}}) {
            const QString out = q(path(options.isEmpty() ? "own-squashed" : "own-squashed-base"));
            const auto run = cli(QStringList {"squash", "--json", chain.secondImage, "-o", out} + options);
            QVERIFY2(run.exitCode == 0, run.err.c_str());
            const json result = run.parsed();
            std::set<std::string> merged; // compared as registries by the test above
            for (const json& h : result["mergedHives"]) {
                const std::string name = h.get<std::string>();
                merged.insert(name.ends_with("_Delta") ? "Hives/" + name : "Files/Windows/System32/config/" + name);
            }
            const bool base = result["layout"] == "windows-base";
            const auto after = mergedTree(out.toStdString());
            for (const auto& [p, entry] : before) {
                if (merged.contains(p) || (base && p.starts_with("Hives")))
                    continue;
                QVERIFY2(after.contains(p), p.c_str());
                QVERIFY2(after.at(p) == entry, (p + "\n" + entry.dump() + "\n" + after.at(p).dump()).c_str());
            }
            for (const auto& [p, entry] : after)
                QVERIFY2(merged.contains(p) || before.contains(p), p.c_str());
            const auto verify = cli({"verify", out});
            QVERIFY2(verify.exitCode == 0, (verify.out + verify.err).c_str());
        }
    }

    void textOutputNamesTheRangeAndTheLayer()
    {
        const fs::path out = path("layer.tar.gz");
        const auto run = cli({"squash", "--layers", "2..3", "--format", "layer", q(m_chain), "-o", q(out)});
        QVERIFY2(run.exitCode == 0, run.err.c_str());
        QVERIFY2(run.out.find("squashed layers 2..3 of") != std::string::npos, run.out.c_str());
        QVERIFY2(run.out.find("windows-delta") != std::string::npos, run.out.c_str());
        const auto inspect = cli({"inspect", "--json", q(out)});
        QCOMPARE(inspect.exitCode, 0);
        QCOMPARE(inspect.parsed()["layout"], json("windows-delta"));
        QCOMPARE(inspect.parsed()["compression"], json("gzip"));
    }

    void errorsAreOneLineWithExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("range past the top") << QStringList {"--layers", "1..9"} << "no layers 1..9";
        QTest::newRow("unreadable range") << QStringList {"--layers", "x..2"} << "cannot read --layers 'x..2'";
        QTest::newRow("unknown format") << QStringList {"--format", "zip"} << "unknown --format 'zip'";
    }
    void errorsAreOneLineWithExitTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const fs::path out = path("never");
        const auto run = cli(QStringList {"squash", q(m_chain), "-o", q(out)} + args);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.find(message.toStdString()) != std::string::npos, run.err.c_str());
        QCOMPARE(std::count(run.err.begin(), run.err.end(), '\n'), 1);
        QVERIFY(!fs::exists(out));
    }

    void existingOutputNeedsForce()
    {
        const fs::path out = path("twice.tar");
        QCOMPARE(cli({"squash", "--format", "layer", q(m_chain), "-o", q(out)}).exitCode, 0);
        const auto again = cli({"squash", "--format", "layer", q(m_chain), "-o", q(out)});
        QCOMPARE(again.exitCode, 2);
        QVERIFY2(again.err.find("already exists (use --force to overwrite)") != std::string::npos, again.err.c_str());
        QCOMPARE(cli({"squash", "--force", "--format", "layer", q(m_chain), "-o", q(out)}).exitCode, 0);
        // Nothing temporary is left beside the output.
        for (const auto& e : fs::directory_iterator(out.parent_path())) {
            const std::string name = e.path().filename().string();
            QVERIFY2(!name.starts_with(".twice"), name.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestSquashCli)
#include "tst_squashcli.moc"
