// SPDX-License-Identifier: Apache-2.0
// Empty and folder-based Windows base layers (issue 4), checked against the base-layer rules of
// wcow-layer-format §3 with our own readers and with independent ones from Debian (hivexml, regfinfo, skopeo).
#include "baselayer/baselayerbuilder.h"
#include "baselayer/imagepackager.h"
#include "hive/hivereader.h"
#include "image/imageanalysis.h"
#include "image/imagesource.h"
#include "index/entrydata.h"
#include "index/filestat.h"
#include "index/layerscan.h"
#include "io/bytesink.h"
#include "io/platformfile.h"
#include "symlinksupport.h"
#include "testsupport.h"
#include "wcow/ntfsnames.h"

#include <QProcess>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

using namespace layerscope;
using namespace layerscope::baselayer;
namespace fs = std::filesystem;

namespace {

PackageResult make(const fs::path& out, BaseLayerOptions layer = {}, PackageOptions package = {})
{
    const BaseLayerBuilder builder(layer);
    return packageLayer([&](io::ByteSink& sink) { builder.write(sink); }, out, package);
}

std::vector<std::string> entryPaths(const index::LayerScan& scan)
{
    std::vector<std::string> paths;
    for (const auto& r : scan.index.records())
        paths.push_back(scan.index.path(r.node));
    return paths;
}

int run(const QString& program, const QStringList& args, QByteArray* output = nullptr)
{
    const testsupport::ProcessRun result = testsupport::runProcess(program, args);
    if (output)
        *output = result.out;
    return result.exitCode;
}

bool haveTool(const char* name)
{
    return !QStandardPaths::findExecutable(QString::fromLatin1(name)).isEmpty();
}

const std::vector<std::string> configEntries = {
    "Files",
    "Files/Windows",
    "Files/Windows/System32",
    "Files/Windows/System32/config",
    "Files/Windows/System32/config/DEFAULT",
    "Files/Windows/System32/config/SAM",
    "Files/Windows/System32/config/SECURITY",
    "Files/Windows/System32/config/SOFTWARE",
    "Files/Windows/System32/config/SYSTEM",
};

} // namespace

class TestBaseLayer : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    fs::path path(const std::string& name) const { return fs::path(m_dir.path().toStdString()) / name; }

private slots:
    void emptyBaseLayerFollowsTheImporterRules()
    {
        make(path("empty.tar"), {}, {.format = OutputFormat::Tar});
        const auto scan = index::scanLayerFile(path("empty.tar"));
        QCOMPARE(scan.layout, wcow::Layout::WindowsBase);
        QCOMPARE(entryPaths(scan), configEntries);
        QVERIFY2(scan.problems.empty(), scan.problems.empty() ? "" : scan.problems.front().message.c_str());
        QCOMPARE(scan.counts.whiteouts, uint64_t(0));
        for (const auto& record : scan.index.records()) {
            const auto entry = scan.index.entry(record);
            QVERIFY(entry.attributes);
            QVERIFY(entry.created);
            QVERIFY(!entry.sddl.empty());
            QVERIFY(entry.sddl.starts_with("O:BAG:SYD:P"));
            if (record.type == wcow::EntryType::File)
                QCOMPARE(record.size, uint64_t(8192)); // never the zero-length hives of §3.3
        }
    }

    void everyGeneratedHiveIsValidForIndependentReaders()
    {
        make(path("uvm.tar"), {.utilityVm = true}, {.format = OutputFormat::Tar});
        std::vector<std::string> hives;
        for (const auto& name : {"DEFAULT", "SAM", "SECURITY", "SOFTWARE", "SYSTEM"})
            hives.push_back(std::string("Files/Windows/System32/config/") + name);
        hives.push_back("UtilityVM/Files/EFI/Microsoft/Boot/BCD");
        for (const auto& hivePath : hives) {
            const auto bytes = index::readEntryData(path("uvm.tar"), hivePath, 1 << 20);
            const hive::HiveReader reader(bytes);
            QVERIFY2(reader.valid(), hivePath.c_str());
            QCOMPARE(reader.warningCount(), size_t(0));
            const fs::path file = path("hive-" + std::to_string(&hivePath - hives.data()));
            testsupport::writeAll(file, bytes);
            const QString name = QString::fromStdString(file.string());
            if (haveTool("hivexml"))
                QCOMPARE(run(QStringLiteral("hivexml"), {name}), 0);
            if (haveTool("regfexport")) {
                QByteArray out;
                QCOMPARE(run(QStringLiteral("regfexport"), {name}, &out), 0);
                if (hivePath.ends_with("BCD"))
                    QVERIFY(out.contains("BCD00000000"));
            }
        }
        const auto bcd = hive::HiveReader(index::readEntryData(path("uvm.tar"), hives.back(), 1 << 20));
        QVERIFY(bcd.find("Objects\\{9dea862c-5cdd-4e70-acc1-f32b344d4795}\\Elements\\23000003"));
    }

    void utilityVmEntriesComeAfterFilesWithTheirParents()
    {
        make(path("uvm-order.tar"), {.utilityVm = true}, {.format = OutputFormat::Tar});
        auto expected = configEntries;
        for (const auto& p : {"UtilityVM", "UtilityVM/Files", "UtilityVM/Files/EFI", "UtilityVM/Files/EFI/Microsoft",
                              "UtilityVM/Files/EFI/Microsoft/Boot", "UtilityVM/Files/EFI/Microsoft/Boot/BCD"})
            expected.push_back(p);
        const auto scan = index::scanLayerFile(path("uvm-order.tar"));
        QCOMPARE(entryPaths(scan), expected);
        QVERIFY(scan.problems.empty());
    }

    void outputIsReproducibleAndFollowsTheTimestamp()
    {
        const auto a = make(path("a.tar.gz"));
        const auto b = make(path("b.tar.gz"));
        QCOMPARE(testsupport::readAll(path("a.tar.gz")), testsupport::readAll(path("b.tar.gz")));
        QCOMPARE(a.digest, b.digest);
        const auto c = make(path("c.tar.gz"), {.timestamp = {1700000000, 500}});
        QVERIFY(c.diffId != a.diffId);
        const auto scan = index::scanLayerFile(path("c.tar.gz"));
        QCOMPARE(scan.index.modified(scan.index.records().front()), (wcow::PaxTime {1700000000, 500}));
    }

    void compressedFormatsHoldTheSameTar()
    {
        const auto plain = make(path("same.tar"), {}, {.format = OutputFormat::Tar});
        QCOMPARE(plain.digest, plain.diffId);
        for (auto format : {OutputFormat::TarGz, OutputFormat::TarZst}) {
            const fs::path out = path(std::string("same.") + formatName(format));
            const auto result = make(out, {}, {.format = format});
            QCOMPARE(result.diffId, plain.diffId);
            const auto scan = index::scanLayerFile(out);
            QCOMPARE(scan.diffId, plain.diffId);
            QCOMPARE(scan.digest, result.digest);
        }
    }

    void ociLayoutIsReadByOurChainReaderAndBySkopeo()
    {
        const auto result = make(path("oci"), {.utilityVm = true},
                                 {.format = OutputFormat::Oci, .osVersion = "10.0.20348.1", .tag = "scratch:1.0"});
        QVERIFY(fs::exists(path("oci/oci-layout")));
        auto source = image::ImageSource::open(path("oci"), {});
        const auto& img = source->image();
        QCOMPARE(img.os, std::string("windows"));
        QCOMPARE(img.osVersion, std::string("10.0.20348.1"));
        QCOMPARE(img.layers.size(), size_t(1));
        QCOMPARE(img.layers[0].digest, result.digest);
        const auto analysis = image::analyzeImage(*source, {});
        QVERIFY(analysis.findings.empty());

        if (!haveTool("skopeo"))
            QSKIP("skopeo is not installed");
        const QString oci = QStringLiteral("oci:") + QString::fromStdString(path("oci").string());
        QByteArray out;
        QCOMPARE(run(QStringLiteral("skopeo"),
                     {QStringLiteral("inspect"), QStringLiteral("--override-os"), QStringLiteral("windows"),
                      oci + QStringLiteral(":1.0")},
                     &out),
                 0);
        const auto inspected = nlohmann::json::parse(out.toStdString());
        QCOMPARE(inspected.at("Digest").get<std::string>(), result.manifestDigest);
        QCOMPARE(inspected.at("Os").get<std::string>(), std::string("windows"));
        const QString copy = QString::fromStdString(path("skopeo-copy.tar").string());
        QCOMPARE(run(QStringLiteral("skopeo"),
                     {QStringLiteral("copy"), QStringLiteral("--override-os"), QStringLiteral("windows"),
                      oci + QStringLiteral(":1.0"),
                      QStringLiteral("docker-archive:") + copy + QStringLiteral(":scratch:1.0")}),
                 0);
        // What skopeo wrote is a docker archive our reader accepts, carrying our layer unchanged.
        auto copied = image::ImageSource::open(path("skopeo-copy.tar"), {});
        QCOMPARE(copied->image().layers.at(0).diffId, result.diffId);
    }

    void dockerArchiveAgreesWithItself()
    {
        const auto result
            = make(path("docker.tar"), {}, {.format = OutputFormat::DockerArchive, .tag = "win/scratch:1.0"});
        auto source = image::ImageSource::open(path("docker.tar"), {});
        QCOMPARE(source->kind(), image::SourceKind::DockerArchive);
        const auto& img = source->image();
        QCOMPARE(img.layers.size(), size_t(1));
        QCOMPARE(img.layers[0].diffId, result.diffId);
        QCOMPARE(img.repoTags, std::vector<std::string> {"win/scratch:1.0"});
        // Strict analysis hashes the layer and checks it against the config's diff_ids and the manifest.
        const auto analysis = image::analyzeImage(*source, {});
        QVERIFY(analysis.findings.empty());
        if (haveTool("skopeo")) {
            const QString archive
                = QStringLiteral("docker-archive:") + QString::fromStdString(path("docker.tar").string());
            QCOMPARE(
                run(QStringLiteral("skopeo"),
                    {QStringLiteral("inspect"), QStringLiteral("--override-os"), QStringLiteral("windows"), archive}),
                0);
        }
    }

    void neverOverwritesWithoutConsent()
    {
        for (auto format : {OutputFormat::TarGz, OutputFormat::Oci, OutputFormat::DockerArchive}) {
            const fs::path out = path(std::string("keep-") + formatName(format));
            testsupport::writeAll(out, {'m', 'i', 'n', 'e'});
            QVERIFY_THROWS_EXCEPTION(Error, make(out, {}, {.format = format}));
            QCOMPARE(testsupport::readAll(out), (std::vector<uint8_t> {'m', 'i', 'n', 'e'}));
            make(out, {}, {.format = format, .overwrite = true});
            QVERIFY(fs::is_directory(out) || testsupport::readAll(out).size() != 4);
        }
        // No temporary names are left next to the outputs.
        for (const auto& e : fs::directory_iterator(path("")))
            QVERIFY2(!e.path().filename().string().starts_with("."), e.path().string().c_str());
    }

    void cancelLeavesNoOutput()
    {
        struct CancelAtOnce : Progress
        {
            void advance(uint64_t, uint64_t) override { }
            bool cancelled() const override { return true; }
        } cancel;
        const BaseLayerBuilder builder({});
        for (auto format : {OutputFormat::TarGz, OutputFormat::Oci, OutputFormat::DockerArchive}) {
            const fs::path out = path(std::string("cancelled-") + formatName(format));
            QVERIFY_THROWS_EXCEPTION(
                Cancelled,
                packageLayer([&](io::ByteSink& sink) { builder.write(sink, cancel); }, out, {.format = format}));
            QVERIFY(!fs::exists(out));
        }
        for (const auto& e : fs::directory_iterator(path("")))
            QVERIFY2(!e.path().filename().string().starts_with("."), e.path().string().c_str());
    }

    void folderBecomesABaseLayer()
    {
        const fs::path src = path("tree");
        fs::create_directories(src / "Program Files" / "App" / "empty dir");
        // u8 literals: a plain char path is read in the ANSI code page on Windows, which has no Cyrillic.
        fs::create_directories(src / "Users" / u8"Документы");
        testsupport::writeAll(src / "Program Files" / "App" / "app.exe", std::vector<uint8_t>(70000, 0x5A));
        testsupport::writeAll(src / "Program Files" / "App" / "empty.txt", {});
        testsupport::writeAll(src / "Users" / u8"Документы" / u8"naïve résumé.txt", {'h', 'i'});
        fs::create_hard_link(src / "Program Files" / "App" / "app.exe", src / "Program Files" / "App" / "b-link.exe");
        const QString linkProblem
            = testsupport::makeSymlink("../App/app.exe", src / "Program Files" / "App" / "shortcut");
        make(path("folder.tar"), {.fromFolder = src}, {.format = OutputFormat::Tar});

        const auto scan = index::scanLayerFile(path("folder.tar"));
        QCOMPARE(scan.layout, wcow::Layout::WindowsBase);
        for (const auto& p : scan.problems)
            QVERIFY2(p.severity != wcow::Problem::Severity::Error, (p.path + ": " + p.message).c_str());
        const auto& tree = scan.index;
        const auto* exe = tree.record(tree.find("Files/Program Files/App/app.exe"));
        QVERIFY(exe);
        QCOMPARE(exe->size, uint64_t(70000));
        QCOMPARE(toHex(exe->sha256), toHex(Sha256::of(std::vector<uint8_t>(70000, 0x5A))));
        const auto* link = tree.record(tree.find("Files/Program Files/App/b-link.exe"));
        QVERIFY(link);
        QCOMPARE(link->type, wcow::EntryType::Hardlink);
        QCOMPARE(tree.linkTarget(*link), std::string_view("Files/Program Files/App/app.exe"));
        QVERIFY(tree.record(tree.find("Files/Program Files/App/empty dir")));
        const auto* empty = tree.record(tree.find("Files/Program Files/App/empty.txt"));
        QVERIFY(empty);
        QCOMPARE(empty->size, uint64_t(0));
        QVERIFY(tree.record(tree.find("Files/Users/Документы/naïve résumé.txt")));
        const auto* system = tree.record(tree.find("Files/Windows/System32/config/SYSTEM"));
        QVERIFY(system);
        QCOMPARE(system->size, uint64_t(8192));
        // Parents first, siblings in byte order: the walk order of hcsshim's export.
        const auto paths = entryPaths(scan);
        QVERIFY(std::find(paths.begin(), paths.end(), "Files/Program Files")
                < std::find(paths.begin(), paths.end(), "Files/Users"));
        QVERIFY(std::find(paths.begin(), paths.end(), "Files/Users")
                < std::find(paths.begin(), paths.end(), "Files/Windows"));
        if (!linkProblem.isEmpty())
            QSKIP(qPrintable("all but the symbolic link checked: " + linkProblem));
        const auto* shortcut = tree.record(tree.find("Files/Program Files/App/shortcut"));
        QVERIFY(shortcut);
        QCOMPARE(shortcut->type, wcow::EntryType::Symlink);
        QCOMPARE(tree.linkTarget(*shortcut), std::string_view("..\\App\\app.exe")); // Windows separators (§1.6)
    }

    void folderKeepsItsOwnValidHives()
    {
        const fs::path src = path("with-hives");
        fs::create_directories(src / "Windows" / "System32" / "config");
        const auto real = testsupport::shared("realdata/hives/hostprocess-empty-v1.3");
        SKIP_UNLESS_SHARED(real);
        fs::copy_file(real, src / "Windows" / "System32" / "config" / "SYSTEM");
        const BaseLayerBuilder builder({.fromFolder = src});
        QCOMPARE(builder.generatedHives().size(), size_t(4));
        make(path("with-hives.tar"), {.fromFolder = src}, {.format = OutputFormat::Tar});
        QCOMPARE(
            index::readEntryData(path("with-hives.tar"), std::string("Files/Windows/System32/config/SYSTEM"), 1 << 20),
            testsupport::readAll(real));
    }

    void refusesFoldersWindowsCannotHold()
    {
        const fs::path src = path("bad-names");
        fs::create_directories(src / "dir");
        for (const char* name : {"CON", "nul.txt", "trailing.", "trailing ", "a<b", "q?", ".wh.gone", "Case", "case"})
            testsupport::writeAll(src / "dir" / name, {});
        try {
            BaseLayerBuilder builder({.fromFolder = src});
            QFAIL("a folder with names Windows cannot create was accepted");
        } catch (const Error& e) {
            const std::string what = e.what();
            // Windows itself will not create most of these (CON is a device, a trailing dot is dropped, Case and case
            // are one file), so only the names that exist on disk are expected in the message: all on Linux.
            std::vector<std::string> made;
            for (const auto& name : index::listFolder(src / "dir"))
                made.push_back(io::pathToUtf8(name));
            const auto has = [&](const char* name) { return std::find(made.begin(), made.end(), name) != made.end(); };
            const std::vector<std::pair<const char*, const char*>> cases = {{"CON", "Files/dir/CON"},
                                                                            {"nul.txt", "Files/dir/nul.txt"},
                                                                            {"trailing.", "Files/dir/trailing."},
                                                                            {"trailing ", "Files/dir/trailing "},
                                                                            {"a<b", "Files/dir/a<b"},
                                                                            {"q?", "Files/dir/q?"},
                                                                            {".wh.gone", "Files/dir/.wh.gone"}};
            for (const auto& [name, expected] : cases)
                if (has(name))
                    QVERIFY2(what.find(expected) != std::string::npos,
                             (std::string(expected) + " not in: " + what).c_str());
            if (has("Case") && has("case"))
                QVERIFY2(what.find("only in case") != std::string::npos, what.c_str());
            QVERIFY(has(".wh.gone")); // a name every system can hold, so the check never passes empty-handed
        }
    }

    void refusesBrokenExistingHives()
    {
        const fs::path src = path("broken-hives");
        fs::create_directories(src / "Windows" / "System32" / "config");
        testsupport::writeAll(src / "Windows" / "System32" / "config" / "SAM", {});
        testsupport::writeAll(src / "Windows" / "System32" / "config" / "SYSTEM", std::vector<uint8_t>(8192, 1));
        try {
            BaseLayerBuilder builder({.fromFolder = src});
            QFAIL("broken hives were accepted");
        } catch (const Error& e) {
            const std::string what = e.what();
            QVERIFY2(what.find("SAM: zero-length hive") != std::string::npos, what.c_str());
            QVERIFY2(what.find("0x3f1") != std::string::npos, what.c_str());
            QVERIFY2(what.find("SYSTEM: not a valid registry hive") != std::string::npos, what.c_str());
        }
    }

    void ntfsNameRules_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::newRow("plain") << "notepad.exe" << true;
        QTest::newRow("unicode") << "Документы" << true;
        QTest::newRow("COM1 with extension") << "com1.log" << false;
        QTest::newRow("COM0 is fine") << "COM0" << true;
        QTest::newRow("LPT9") << "LPT9" << false;
        QTest::newRow("CONSOLE is fine") << "CONSOLE" << true;
        QTest::newRow("pipe") << "a|b" << false;
        QTest::newRow("control character") << "a\tb" << false;
    }
    void ntfsNameRules()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QCOMPARE(!wcow::ntfsNameProblem(name.toStdString()).has_value(), valid);
    }
};

QTEST_GUILESS_MAIN(TestBaseLayer)
#include "tst_baselayer.moc"
