// SPDX-License-Identifier: Apache-2.0
// Layer classification and the importer rules of wcow-layer-format §1.2, §1.3, §1.6 and §3, on small synthetic
// entry lists.
#include "testsupport.h"
#include "wcow/layoutchecker.h"

#include <QtTest>

using namespace layerscope::wcow;

namespace {

WindowsEntry entry(const std::string& path, EntryType type, uint64_t size = 0, const std::string& target = {})
{
    WindowsEntry e;
    e.path = path;
    e.type = type;
    e.size = size;
    e.linkTarget = target;
    return e;
}

WindowsEntry dir(const std::string& path)
{
    return entry(path, EntryType::Directory);
}
WindowsEntry file(const std::string& path, uint64_t size = 1)
{
    return entry(path, EntryType::File, size);
}
WindowsEntry whiteout(const std::string& path)
{
    return entry(path, EntryType::Whiteout);
}
WindowsEntry hardlink(const std::string& path, const std::string& target)
{
    return entry(path, EntryType::Hardlink, 0, target);
}
WindowsEntry stream(const std::string& path)
{
    return entry(path, EntryType::Stream, 1);
}
WindowsEntry withAttributes(WindowsEntry e, uint32_t attributes)
{
    e.attributes = attributes;
    return e;
}
// An entry as the scanner hands it over: its position in the tar and its header's byte offset.
WindowsEntry at(WindowsEntry e, uint64_t index, uint64_t offset)
{
    e.tarIndex = index;
    e.headerOffset = offset;
    return e;
}

// The smallest importable base layer (§3.1): four directories, five 8192-byte hives.
std::vector<WindowsEntry> minimalBase()
{
    return {dir("Files"),
            dir("Files/Windows"),
            dir("Files/Windows/System32"),
            dir("Files/Windows/System32/config"),
            file("Files/Windows/System32/config/DEFAULT", 8192),
            file("Files/Windows/System32/config/SAM", 8192),
            file("Files/Windows/System32/config/SECURITY", 8192),
            file("Files/Windows/System32/config/SOFTWARE", 8192),
            file("Files/Windows/System32/config/SYSTEM", 8192)};
}

std::vector<WindowsEntry> minimalDelta()
{
    return {dir("Files"), dir("Hives"), file("Hives/Software_Delta", 8192), dir("Files/app"),
            file("Files/app/app.exe")};
}

std::vector<WindowsEntry> plus(std::vector<WindowsEntry> entries, std::initializer_list<WindowsEntry> more)
{
    entries.insert(entries.end(), more);
    return entries;
}

std::vector<WindowsEntry> withoutLast(std::vector<WindowsEntry> entries, size_t count)
{
    entries.resize(entries.size() - count);
    return entries;
}

LayoutChecker::Result check(const std::vector<WindowsEntry>& entries)
{
    LayoutChecker checker;
    for (const auto& e : entries)
        checker.add(e);
    return checker.finish();
}

QString describe(const std::vector<Problem>& problems)
{
    QString out;
    for (const auto& p : problems)
        out += QString("\n  %1 %2: %3")
                   .arg(p.severity == Problem::Severity::Error ? "error" : "warning")
                   .arg(QString::fromStdString(p.path), QString::fromStdString(p.message));
    return out;
}

} // namespace

using Severity = Problem::Severity;
Q_DECLARE_METATYPE(std::vector<WindowsEntry>)
Q_DECLARE_METATYPE(Layout)
Q_DECLARE_METATYPE(Severity)

class TestWcowLayout : public QObject
{
    Q_OBJECT

private slots:
    void namesLayouts()
    {
        QCOMPARE(QString(layoutName(Layout::WindowsBase)), QString("windows-base"));
        QCOMPARE(QString(layoutName(Layout::WindowsDelta)), QString("windows-delta"));
        QCOMPARE(QString(layoutName(Layout::Linux)), QString("linux"));
        QCOMPARE(parseLayout("windows-delta"), std::optional<Layout>(Layout::WindowsDelta));
        QVERIFY(!parseLayout("windows"));
    }

    void classifiesCleanLayers_data()
    {
        QTest::addColumn<std::vector<WindowsEntry>>("entries");
        QTest::addColumn<Layout>("layout");
        QTest::newRow("minimal base") << minimalBase() << Layout::WindowsBase;
        QTest::newRow("base with a UtilityVM and its BCD") << plus(
            minimalBase(),
            {dir("UtilityVM"), dir("UtilityVM/Files"), dir("UtilityVM/Files/EFI"), dir("UtilityVM/Files/EFI/Microsoft"),
             dir("UtilityVM/Files/EFI/Microsoft/Boot"), file("UtilityVM/Files/EFI/Microsoft/Boot/BCD", 12288)})
                                                           << Layout::WindowsBase;
        QTest::newRow("hive names in any case")
            << std::vector<WindowsEntry> {dir("files"),
                                          dir("files/windows"),
                                          dir("files/windows/system32"),
                                          dir("files/windows/system32/config"),
                                          file("files/windows/system32/config/default", 8192),
                                          file("files/windows/system32/config/sam", 8192),
                                          file("files/windows/system32/config/security", 8192),
                                          file("files/windows/system32/config/software", 8192),
                                          file("files/windows/system32/config/system", 8192)}
            << Layout::WindowsBase;
        QTest::newRow("delta") << minimalDelta() << Layout::WindowsDelta;
        QTest::newRow("delta with whiteouts and streams")
            << std::vector<WindowsEntry> {dir("Files"),
                                          dir("Hives"),
                                          file("Hives/Software_Delta", 8192),
                                          dir("Files/app"),
                                          whiteout("Files/app/.wh.old.dll"),
                                          file("Files/app/app.exe"),
                                          file("Files/app/readme.txt"),
                                          stream("Files/app/readme.txt:Zone.Identifier"),
                                          stream("Files/app/readme.txt:x"),
                                          hardlink("Files/app/copy.exe", "Files/app/app.exe")}
            << Layout::WindowsDelta;
        QTest::newRow("names Windows accepts")
            << plus(minimalDelta(),
                    {stream("Files/app/app.exe:Zone.Identifier"), file("Files/app/CONSOLE.txt"),
                     file("Files/app/com10"), file("Files/app/.hidden"), file("Files/app/a b.c d"),
                     file("Files/app/\u00dcn\u00efc\u00f6d\u00e9 \U0001F600"), file("Files/app/lpt"),
                     withAttributes(file("Files/app/big", (uint64_t(8) << 30) - 1), 32),
                     withAttributes(entry("Files/app/link", EntryType::Symlink, 0, "C:\\x"), 0x420),
                     withAttributes(entry("Files/app/junction", EntryType::Junction, 0, "C:\\y"), 0x410)})
            << Layout::WindowsDelta;
        QTest::newRow("delta with UtilityVM changes")
            << plus(minimalDelta(), {dir("UtilityVM"), dir("UtilityVM/Files"), file("UtilityVM/Files/x.dll")})
            << Layout::WindowsDelta;
        QTest::newRow("registry-only delta")
            << std::vector<WindowsEntry> {dir("Files"), dir("Hives"), file("Hives/System_Delta", 8192)}
            << Layout::WindowsDelta;
        QTest::newRow("linux") << std::vector<WindowsEntry> {dir("bin"),
                                                             file("bin/sh"),
                                                             whiteout("etc/.wh.passwd"),
                                                             file("usr/lib/missing/parent.so"),
                                                             file("bin/SH"),
                                                             file("bin/con"),
                                                             file("bin/a:b?"),
                                                             file("bin/\xff")}
                               << Layout::Linux;
        QTest::newRow("root entry is ignored")
            << plus({entry("", EntryType::Directory)}, {dir("Files")}) << Layout::WindowsDelta;
    }
    void classifiesCleanLayers()
    {
        QFETCH(std::vector<WindowsEntry>, entries);
        QFETCH(Layout, layout);
        const auto result = check(entries);
        QCOMPARE(result.layout, layout);
        QVERIFY2(result.problems.empty(), qPrintable(describe(result.problems)));
    }

    void reportsRuleViolations_data()
    {
        QTest::addColumn<std::vector<WindowsEntry>>("entries");
        QTest::addColumn<Layout>("layout");
        QTest::addColumn<Severity>("severity");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("message");

        QTest::newRow("base with a whiteout") << plus(minimalBase(), {whiteout("Files/Windows/.wh.old")})
                                              << Layout::WindowsBase << Severity::Error << "Files/Windows/.wh.old"
                                              << "base layer cannot have tombstones";
        QTest::newRow("delta whiteout outside Files")
            << plus(minimalDelta(), {whiteout("Hives/.wh.Sam_Delta")}) << Layout::WindowsDelta << Severity::Error
            << "Hives/.wh.Sam_Delta"
            << "invalid tombstone";
        QTest::newRow("missing parent directory in a base")
            << plus(minimalBase(), {file("Files/Program Files/app/app.exe")}) << Layout::WindowsBase << Severity::Error
            << "Files/Program Files/app/app.exe"
            << "never create missing parents";
        QTest::newRow("missing parent directory in a delta")
            << std::vector<WindowsEntry> {dir("Files"), dir("Files/Windows"),
                                          file("Files/Windows/System32/notepad.exe")}
            << Layout::WindowsDelta << Severity::Warning << "Files/Windows/System32/notepad.exe"
            << "must come from a parent layer";
        QTest::newRow("parent is a file") << plus(minimalDelta(), {file("Files/app/app.exe/inner")})
                                          << Layout::WindowsDelta << Severity::Error << "Files/app/app.exe/inner"
                                          << "not a directory";
        QTest::newRow("exact duplicate") << plus(minimalDelta(), {file("Files/app/app.exe")}) << Layout::WindowsDelta
                                         << Severity::Error << "Files/app/app.exe"
                                         << "duplicate entry";
        QTest::newRow("names differing only in case") << plus(minimalDelta(), {file("Files/APP/App.EXE")})
                                                      << Layout::WindowsDelta << Severity::Error << "Files/APP/App.EXE"
                                                      << "only in case";
        QTest::newRow("non-ASCII names differing only in case")
            << plus(minimalDelta(), {file("Files/app/Ünïcode"), file("Files/app/üNÏCODE")}) << Layout::WindowsDelta
            << Severity::Error << "Files/app/üNÏCODE"
            << "only in case";
        QTest::newRow("base hard link to an unseen target")
            << plus(minimalBase(), {hardlink("Files/Windows/b.dll", "Files/Windows/a.dll")}) << Layout::WindowsBase
            << Severity::Error << "Files/Windows/b.dll"
            << "no parent to find it in";
        QTest::newRow("delta hard link to an unseen target")
            << plus(minimalDelta(), {hardlink("Files/app/b.dll", "Files/Windows/a.dll")}) << Layout::WindowsDelta
            << Severity::Warning << "Files/app/b.dll"
            << "parent layers";
        QTest::newRow("hard link outside Files") << plus(minimalDelta(), {hardlink("Hives/x", "Files/app/app.exe")})
                                                 << Layout::WindowsDelta << Severity::Error << "Hives/x"
                                                 << "outside Files/";
        QTest::newRow("UtilityVM without BCD")
            << plus(minimalBase(), {dir("UtilityVM"), dir("UtilityVM/Files")}) << Layout::WindowsBase << Severity::Error
            << "UtilityVM/Files/EFI/Microsoft/Boot/BCD"
            << "needs a valid BCD";
        QTest::newRow("delta UtilityVM entry outside UtilityVM/Files")
            << plus(minimalDelta(), {dir("UtilityVM"), file("UtilityVM/SystemTemplate.vhdx")}) << Layout::WindowsDelta
            << Severity::Error << "UtilityVM/SystemTemplate.vhdx"
            << "invalid UtilityVM layer";
        QTest::newRow("base missing some hives") << withoutLast(minimalBase(), 1) << Layout::WindowsBase
                                                 << Severity::Error << "Files/Windows/System32/config/SYSTEM"
                                                 << "config hive SYSTEM is missing";
        QTest::newRow("zero-length hive")
            << plus(withoutLast(minimalBase(), 1), {file("Files/Windows/System32/config/SYSTEM", 0)})
            << Layout::WindowsBase << Severity::Error << "Files/Windows/System32/config/SYSTEM"
            << "zero-length hive: accepted as a base, but every layer imported on top fails with 'The configuration "
               "registry database is corrupt (0x3f1)'";
        QTest::newRow("something else at the root") << plus(minimalDelta(), {file("tombstones.txt")})
                                                    << Layout::WindowsDelta << Severity::Warning << "tombstones.txt"
                                                    << "avoid";
        QTest::newRow("Hives in a base layer")
            << plus(minimalBase(), {dir("Hives")}) << Layout::WindowsBase << Severity::Warning << "Hives"
            << "Hives/ in a base layer";
        QTest::newRow("stream away from its owner")
            << plus(minimalDelta(), {file("Files/app/a.txt"), file("Files/app/b.txt"), stream("Files/app/a.txt:s")})
            << Layout::WindowsDelta << Severity::Warning << "Files/app/a.txt:s"
            << "not directly after its owner";
        // Names Windows cannot create (ntfsNameProblem), on the last component of each entry.
        const std::pair<const char*, const char*> badNames[] = {
            {"CON", "reserved device name CON"},
            {"nul.txt", "reserved device name NUL"},
            {"Com1.log", "reserved device name COM1"},
            {"lpt9", "reserved device name LPT9"},
            {"aux", "reserved device name AUX"},
            {"prn.tar.gz", "reserved device name PRN"},
            {"a<b", "contains '<'"},
            {"a>b", "contains '>'"},
            {"say \"hi\"", "contains '\"'"},
            {"a|b", "contains '|'"},
            {"why?", "contains '?'"},
            {"*.txt", "contains '*'"},
            {"tab\there", "control character"},
            {"trailing.", "ends with a dot or a space"},
            {"trailing ", "ends with a dot or a space"},
            {"caf\xe9", "not valid UTF-8"},
            {"over\xc0\xaflong", "not valid UTF-8"},
            {"surrogate\xed\xa0\x80", "not valid UTF-8"},
        };
        for (const auto& [name, why] : badNames) {
            const std::string path = std::string("Files/app/") + name;
            QTest::newRow(qPrintable(QString("bad name ") + QString::fromLatin1(name).toHtmlEscaped()))
                << plus(minimalDelta(), {file(path)}) << Layout::WindowsDelta << Severity::Error
                << QString::fromStdString(path) << why;
        }
        QTest::newRow("bad directory name") << plus(minimalDelta(), {dir("Files/app/dir.")}) << Layout::WindowsDelta
                                            << Severity::Error << "Files/app/dir."
                                            << "Windows cannot create it";
        QTest::newRow("file of 8 GiB") << plus(minimalDelta(), {file("Files/app/disk.img", uint64_t(8) << 30)})
                                       << Layout::WindowsDelta << Severity::Warning << "Files/app/disk.img"
                                       << "moby/moby#40444";
        QTest::newRow("reparse attribute on a file")
            << plus(minimalDelta(), {withAttributes(file("Files/app/odd.dat"), 0x420)}) << Layout::WindowsDelta
            << Severity::Warning << "Files/app/odd.dat"
            << "reparse-point attribute (0x400) but is a file";
        QTest::newRow("reparse attribute on a directory")
            << plus(minimalDelta(), {withAttributes(dir("Files/app/mount"), 0x410)}) << Layout::WindowsDelta
            << Severity::Warning << "Files/app/mount"
            << "but is a directory";
        QTest::newRow("delta without a Files directory entry")
            << std::vector<WindowsEntry> {dir("Hives"), file("Hives/System_Delta", 8192)} << Layout::WindowsDelta
            << Severity::Warning << "Files"
            << "no Files directory entry";
    }
    void reportsRuleViolations()
    {
        QFETCH(std::vector<WindowsEntry>, entries);
        QFETCH(Layout, layout);
        QFETCH(Severity, severity);
        QFETCH(QString, path);
        QFETCH(QString, message);
        const auto result = check(entries);
        QCOMPARE(result.layout, layout);
        QVERIFY2(result.problems.size() == 1, qPrintable(describe(result.problems)));
        const Problem& problem = result.problems.front();
        QCOMPARE(problem.severity, severity);
        QCOMPARE(QString::fromStdString(problem.path), path);
        QVERIFY2(QString::fromStdString(problem.message).contains(message), qPrintable(describe(result.problems)));
    }

    // hdr-only.tar in Go's test data: the same names twice. Both headers are named by index and byte offset.
    void namesBothEntriesOfADuplicate()
    {
        auto delta = minimalDelta();
        for (size_t i = 0; i < delta.size(); ++i)
            delta[i] = at(delta[i], i, 512 * i);
        delta.push_back(at(file("Files/app/app.exe"), 9, 7168));
        const auto windows = check(delta);
        QCOMPARE(windows.problems.size(), size_t(1));
        QCOMPARE(windows.problems[0].severity, Severity::Error);
        QVERIFY2(windows.problems[0].message.find("entry 9 at byte 7168 repeats entry 4 at byte 2048")
                     != std::string::npos,
                 qPrintable(describe(windows.problems)));

        const auto other = check({at(dir("bin"), 0, 0), at(file("bin/sh"), 1, 512), at(file("bin/sh"), 2, 2048)});
        QCOMPARE(other.layout, Layout::Linux);
        QCOMPARE(other.problems.size(), size_t(1));
        QCOMPARE(other.problems[0].severity, Severity::Warning);
        QVERIFY2(other.problems[0].message.find("entry 2 at byte 2048 repeats entry 1 at byte 512") != std::string::npos
                     && other.problems[0].message.find("only the later one counts") != std::string::npos,
                 qPrintable(describe(other.problems)));
    }

    // containerd/containerd#4301, microsoft/hcsshim#830: a whiteout in a directory the layer has no entry for.
    void whiteoutNeedsItsDirectoryInTheLayer()
    {
        const auto result
            = check(plus(minimalDelta(),
                         {whiteout("Files/Windows/System32/CatRoot/.wh.x.cat"),
                          whiteout("Files/Windows/System32/CatRoot/.wh.y.cat"), whiteout("Files/app/.wh.old.dll")}));
        QCOMPARE(result.layout, Layout::WindowsDelta);
        QVERIFY2(result.problems.size() == 2, qPrintable(describe(result.problems)));
        QCOMPARE(result.problems[0].path, std::string("Files/Windows/System32/CatRoot/.wh.x.cat"));
        QVERIFY(result.problems[0].message.find("must come from a parent layer") != std::string::npos);
        QCOMPARE(result.problems[1].severity, Severity::Warning);
        QCOMPARE(result.problems[1].path, std::string("Files/Windows/System32/CatRoot/.wh.x.cat"));
        QVERIFY2(result.problems[1].message.find("whiteout without an entry for its directory "
                                                 "\"Files/Windows/System32/CatRoot\"")
                         != std::string::npos
                     && result.problems[1].message.find("containerd/containerd#4301, microsoft/hcsshim#830")
                         != std::string::npos,
                 qPrintable(describe(result.problems)));
    }

    void imgutilBaseLayerHasFiveZeroLengthHives()
    {
        // wcow-layer-format §3.2, in imgutil's order.
        const std::vector<WindowsEntry> entries {dir("UtilityVM"),
                                                 dir("UtilityVM/Files"),
                                                 dir("UtilityVM/Files/EFI"),
                                                 dir("UtilityVM/Files/EFI/Microsoft"),
                                                 dir("UtilityVM/Files/EFI/Microsoft/Boot"),
                                                 file("UtilityVM/Files/EFI/Microsoft/Boot/BCD", 12288),
                                                 dir("Files"),
                                                 dir("Files/Windows"),
                                                 dir("Files/Windows/System32"),
                                                 dir("Files/Windows/System32/config"),
                                                 file("Files/Windows/System32/config/DEFAULT", 0),
                                                 file("Files/Windows/System32/config/SAM", 0),
                                                 file("Files/Windows/System32/config/SECURITY", 0),
                                                 file("Files/Windows/System32/config/SOFTWARE", 0),
                                                 file("Files/Windows/System32/config/SYSTEM", 0)};
        const auto result = check(entries);
        QCOMPARE(result.layout, Layout::WindowsBase);
        QCOMPARE(result.problems.size(), size_t(5));
        for (const auto& problem : result.problems) {
            QCOMPARE(problem.severity, Severity::Error);
            QVERIFY(problem.message.find("0x3f1") != std::string::npos);
        }
    }

    void missingParentOfAHiveStillCountsTheHive()
    {
        // Parent missing, yet the hive makes it a base layer, which then lacks the other four.
        const auto result
            = check({dir("Files"), dir("Files/Windows"), file("Files/Windows/System32/config/SAM", 8192)});
        QCOMPARE(result.layout, Layout::WindowsBase);
        QCOMPARE(result.problems.size(), size_t(5));
        QVERIFY(result.problems[0].message.find("path not found (0x3)") != std::string::npos);
    }

    void missingParentIsReportedOncePerDirectory()
    {
        const auto result = check({dir("Files"), file("Files/a/1"), file("Files/a/2"), file("Files/b/1")});
        QCOMPARE(result.problems.size(), size_t(2));
        QCOMPARE(result.problems[0].path, std::string("Files/a/1"));
        QCOMPARE(result.problems[1].path, std::string("Files/b/1"));
    }

    void hardLinkToAnEarlierTargetIsFine()
    {
        const auto result = check(
            plus(minimalBase(), {file("Files/Windows/a.dll"), hardlink("Files/Windows/b.dll", "Files/windows/A.DLL")}));
        QVERIFY2(result.problems.empty(), qPrintable(describe(result.problems)));
    }

    void problemsComeInTarOrderThenLayerWide()
    {
        const auto result = check({dir("Files"), file("Files/x/late"), dir("Files/Windows"),
                                   dir("Files/Windows/System32"), dir("Files/Windows/System32/config"),
                                   file("Files/Windows/System32/config/SAM", 8192), whiteout("Files/.wh.y")});
        QCOMPARE(result.layout, Layout::WindowsBase);
        QStringList paths;
        for (const auto& p : result.problems)
            paths << QString::fromStdString(p.path);
        QCOMPARE(paths,
                 (QStringList {"Files/x/late", "Files/.wh.y", "Files/Windows/System32/config/DEFAULT",
                               "Files/Windows/System32/config/SECURITY", "Files/Windows/System32/config/SOFTWARE",
                               "Files/Windows/System32/config/SYSTEM"}));
    }

    void hiveChecksFeedProblems()
    {
        LayoutChecker checker;
        for (const auto& e : minimalBase())
            checker.add(e);
        checker.addHiveCheck("Files/Windows/System32/config/SAM", false, "checksum mismatch at byte 508");
        checker.addHiveCheck("Files/Windows/System32/config/SYSTEM", true, {});
        const auto result = checker.finish();
        QCOMPARE(result.problems.size(), size_t(1));
        QCOMPARE(result.problems[0].path, std::string("Files/Windows/System32/config/SAM"));
        QVERIFY(result.problems[0].message.find("checksum mismatch at byte 508") != std::string::npos);
    }

    void zeroLengthHiveIsNotReportedTwice()
    {
        LayoutChecker checker;
        for (const auto& e : plus(withoutLast(minimalBase(), 1), {file("Files/Windows/System32/config/SYSTEM", 0)}))
            checker.add(e);
        checker.addHiveCheck("Files/Windows/System32/config/SYSTEM", false, "file is empty");
        const auto result = checker.finish();
        QCOMPARE(result.problems.size(), size_t(1));
        QVERIFY(result.problems[0].message.find("zero-length hive") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestWcowLayout)
#include "tst_wcowlayout.moc"
