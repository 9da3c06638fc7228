// SPDX-License-Identifier: Apache-2.0
// The NTFS inside VHDX/VHD disks (issue 12), on the disks tests/fixtures/ntfsdisks.py makes with mkntfs, ntfscp,
// libntfs-3g and qemu-img: every entry against the generator's own list, times against fsntfsinfo, names against
// ntfsls, and the broken inputs.
#include "common/error.h"
#include "common/sha256.h"
#include "diff/treediff.h"
#include "disk/diskscan.h"
#include "disk/ntfsvolume.h"
#include "disk/reparsetag.h"
#include "disk/sandboxlayer.h"
#include "image/treespec.h"
#include "image/vhdxinfo.h"
#include "index/entrydata.h"
#include "index/layerscan.h"
#include "index/mergedtree.h"
#include "io/filesource.h"
#include "io/platformfile.h"
#include "testsupport.h"
#include "wcow/paxtime.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <map>
#include <set>

using namespace layerscope;
using nlohmann::json;

namespace {

std::filesystem::path disks(const std::string& name)
{
    return testsupport::fixture("ntfs/" + name);
}

const json& manifest()
{
    static const json m = [] {
        std::ifstream in(disks("disks.json"));
        return json::parse(in);
    }();
    return m;
}

std::string xattr(const index::TreeIndex& tree, const index::TreeIndex::Record& r, const std::string& name)
{
    for (const auto& [key, value] : tree.xattrs(r))
        if (key == name)
            return value;
    return {};
}

QString run(const QString& program, const QStringList& args)
{
    const auto result = testsupport::runProcess(program, args);
    if (result.exitCode != 0)
        return {};
    return QString::fromUtf8(result.out);
}

} // namespace

class TestNtfsDisk : public QObject
{
    Q_OBJECT

private slots:
    void listsEveryEntryTheGeneratorMade_data()
    {
        QTest::addColumn<QString>("disk");
        for (const auto& [name, where] : manifest().at("disks").items())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }
    void listsEveryEntryTheGeneratorMade()
    {
        QFETCH(QString, disk);
        const index::LayerScan scan = disk::scanDisk(disks(disk.toStdString()));
        const index::TreeIndex& tree = scan.index;
        QVERIFY2(scan.problems.empty(), scan.problems.empty() ? "" : scan.problems.front().message.c_str());
        QVERIFY(tree.caseInsensitive());

        std::set<std::string> expectedPaths;
        for (const json& e : manifest().at("entries")) {
            const std::string path = e.at("path");
            expectedPaths.insert(path);
            const index::NodeId node = tree.find(path);
            QVERIFY2(node != index::InvalidNode, path.c_str());
            QCOMPARE(tree.name(node), std::string_view(path).substr(path.rfind('/') + 1)); // case and bytes kept
            const auto* r = tree.record(node);
            QVERIFY2(r, path.c_str());
            QCOMPARE(std::string(wcow::entryTypeName(r->type)), e.at("type").get<std::string>());
            QCOMPARE(r->size, e.at("size").get<uint64_t>());
            if (e.contains("attributes"))
                QCOMPARE(r->attributes, e.at("attributes").get<uint32_t>());
            // Hashing (the default scan) reads the data of files and streams, not of reparse points or links.
            QCOMPARE(r->has(index::TreeIndex::Record::HasHash), e.contains("sha256"));
            if (e.contains("sha256"))
                QCOMPARE(toHex(r->sha256), e.at("sha256").get<std::string>());
            if (e.contains("linkTarget"))
                QCOMPARE(std::string(tree.linkTarget(*r)), e.at("linkTarget").get<std::string>());
            if (e.contains("reparse")) {
                QCOMPARE(xattr(tree, *r, "ntfs.reparse"), e.at("reparse").get<std::string>());
                QVERIFY(r->attributes & 0x400); // FILE_ATTRIBUTE_REPARSE_POINT
            }
            if (e.contains("created")) {
                QCOMPARE(wcow::formatRfc3339(*tree.created(*r)), std::string("2024-01-02T03:04:05.123456700Z"));
                QCOMPARE(wcow::formatRfc3339(tree.modified(*r)), std::string("2024-02-02T04:05:06.765432100Z"));
                QCOMPARE(wcow::formatRfc3339(*tree.accessed(*r)), std::string("2024-03-04T05:06:07.000000100Z"));
            }
            if (r->type != wcow::EntryType::Stream) {
                // ntfs-3g gives new files "Everyone: full control", owned by Administrators.
                QCOMPARE(std::string(tree.sddl(*r)), std::string("O:BAG:BAD:(A;OICI;FA;;;WD)"));
                QVERIFY(tree.created(*r) && tree.accessed(*r) && tree.changed(*r));
            }
        }
        // Nothing more: no NTFS metadata files ($MFT, $Extend, ...), no DOS aliases, no duplicates.
        std::set<std::string> seen;
        for (const auto& r : tree.records())
            QVERIFY2(seen.insert(tree.path(r.node)).second, tree.path(r.node).c_str());
        QCOMPARE(seen, expectedPaths);
        QCOMPARE(scan.counts.entries, uint64_t(expectedPaths.size()));
        QCOMPARE(scan.counts.hardlinks, uint64_t(2));
        QCOMPARE(scan.counts.streams, uint64_t(2));
        // qemu-img rounds a VHD up to whole cylinders, so the volume is followed by unused sectors there.
        if (disk.endsWith(".vhd"))
            QVERIFY(scan.uncompressedSize >= manifest().at("volumeSize").get<uint64_t>());
        else
            QCOMPARE(scan.uncompressedSize, manifest().at("volumeSize").get<uint64_t>());
    }

    // ntfs-3g's own lister agrees on every entry of every folder (it hides metadata files the same way): its name,
    // size and modification time (to the minute, which is all `ntfsls -l` prints), on the generator's volume and on
    // one of 20,000 files (issue 12's size for the suite), whose counts are checked too.
    void entriesAgreeWithNtfsls_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("the generator's volume") << QStringLiteral("dynamic");
        QTest::newRow("20,000 files") << QStringLiteral("many");
    }
    void entriesAgreeWithNtfsls()
    {
        QFETCH(QString, name);
        const std::string raw = name == "dynamic" ? "volume.raw" : name.toStdString() + ".raw";
        QProcessEnvironment utc = QProcessEnvironment::systemEnvironment();
        utc.insert(QStringLiteral("TZ"), QStringLiteral("UTC"));
        const auto listing = testsupport::runProcess(QStringLiteral("ntfsls"),
                                                     {QStringLiteral("-R"), QStringLiteral("-a"), QStringLiteral("-l"),
                                                      QString::fromStdString(disks(raw).string())},
                                                     utc);
        if (listing.exitCode != 0)
            QSKIP("ntfsls (ntfs-3g) is not installed");
        // "<size> <Mon dd HH:MM YYYY> <name>" under "/<folder>:" headings.
        static const QRegularExpression entryLine(
            QStringLiteral("^\\s*(\\d+) (\\w{3} [ \\d]\\d \\d\\d:\\d\\d \\d{4}) (.*)$"));
        std::map<std::string, std::pair<uint64_t, std::string>> fromNtfsls;
        QString folder;
        for (const QString& line : QString::fromUtf8(listing.out).split('\n')) {
            if (line.endsWith(':') && line.startsWith('/')) {
                folder = line.mid(1, line.size() - 2);
                continue;
            }
            const QRegularExpressionMatch m = entryLine.match(line);
            if (!m.hasMatch() || m.captured(3) == "." || m.captured(3) == "..")
                continue;
            fromNtfsls[(folder.isEmpty() ? m.captured(3) : folder + '/' + m.captured(3)).toStdString()]
                = {m.captured(1).toULongLong(), m.captured(2).toStdString()};
        }

        const index::LayerScan scan = disk::scanDisk(disks(name.toStdString() + ".vhdx"), {.hashFiles = false});
        QVERIFY(scan.problems.empty());
        const index::TreeIndex& tree = scan.index;
        std::map<std::string, std::pair<uint64_t, std::string>> ours;
        for (const auto& r : tree.records()) {
            if (r.type == wcow::EntryType::Stream)
                continue;
            std::string path = tree.path(r.node);
            if (r.type == wcow::EntryType::Whiteout) // a tombstone is named ".wh.<name>", as in a layer tar
                path.erase(path.rfind(".wh."), 4);
            // A hard link is another name of the same file record: its size is the file's.
            const auto& file = r.type == wcow::EntryType::Hardlink ? *tree.record(tree.find(tree.linkTarget(r))) : r;
            const std::time_t seconds = std::time_t(tree.modified(file).seconds);
            char minute[32];
            std::strftime(minute, sizeof minute, "%b %e %H:%M %Y", std::gmtime(&seconds));
            ours[path] = {file.size, minute};
        }
        QCOMPARE(ours.size(), fromNtfsls.size());
        for (const auto& [path, expected] : fromNtfsls) {
            const auto it = ours.find(path);
            QVERIFY2(it != ours.end(), path.c_str());
            QVERIFY2(it->second == expected,
                     (path + ": ours " + std::to_string(it->second.first) + " " + it->second.second + ", ntfsls "
                      + std::to_string(expected.first) + " " + expected.second)
                         .c_str());
        }
        if (name == "many") {
            const json& many = manifest().at("many");
            QCOMPARE(scan.counts.entries, many.at("entries").get<uint64_t>());
            QCOMPARE(scan.counts.files, many.at("files").get<uint64_t>());
            QCOMPARE(scan.counts.hardlinks, uint64_t(20)); // one a folder
        }
    }

    // libfsntfs's own tool prints the four times at 100 ns; ours must be the same instants.
    void timesAgreeWithFsntfsinfo()
    {
        const QString info = run(QStringLiteral("fsntfsinfo"),
                                 {QStringLiteral("-F"), QStringLiteral("\\Windows\\System32\\drivers\\etc\\hosts"),
                                  QString::fromStdString(disks("volume.raw").string())});
        if (info.isEmpty())
            QSKIP("fsntfsinfo (libfsntfs-utils) is not installed");
        const index::LayerScan scan = disk::scanDisk(disks("fixed.vhdx"));
        const auto* r = scan.index.record(scan.index.find("Windows/System32/drivers/etc/hosts"));
        QVERIFY(r);
        // "Creation time : Dec 06, 2026 00:39:26.560206200 UTC": compare the seconds' fraction and the clock.
        auto clockOf = [](const wcow::PaxTime& t) {
            const std::string s = wcow::formatRfc3339(t); // 2026-12-06T00:39:26.560206200Z
            std::string fraction = s.substr(20, s.size() - 21);
            fraction.resize(9, '0');
            return s.substr(11, 8) + "." + fraction;
        };
        for (const auto& [label, time] :
             std::vector<std::pair<QString, wcow::PaxTime>> {{"Creation time", *scan.index.created(*r)},
                                                             {"Modification time", scan.index.modified(*r)},
                                                             {"Access time", *scan.index.accessed(*r)},
                                                             {"Entry modification time", *scan.index.changed(*r)}}) {
            QString line;
            for (const QString& l : info.split('\n'))
                if (l.trimmed().startsWith(label + "\t") || l.trimmed().startsWith(label + " "))
                    line = l;
            QVERIFY2(!line.isEmpty(), qPrintable(label));
            QVERIFY2(line.contains(QString::fromStdString(clockOf(time))), qPrintable(line));
        }
    }

    void classifiesReparseTags()
    {
        QCOMPARE(disk::classifyReparseTag(0xA000000C), disk::ReparseKind::Symlink);
        QCOMPARE(disk::classifyReparseTag(0xA0000003), disk::ReparseKind::Junction);
        QCOMPARE(disk::classifyReparseTag(0x80000018), disk::ReparseKind::WciPlaceholder);
        QCOMPARE(disk::classifyReparseTag(0x90001018), disk::ReparseKind::WciPlaceholder);
        QCOMPARE(disk::classifyReparseTag(0xA000001F), disk::ReparseKind::WciTombstone);
        QCOMPARE(disk::classifyReparseTag(0x8000001B), disk::ReparseKind::Other);
        QCOMPARE(disk::reparseDescription(0x8000001B), std::string("0x8000001b"));
    }

    // A container's sandbox over its chain: what it added, changed and deleted, and nothing of what it left alone
    // (placeholders, and files it never touched, which have no entry on its disk at all).
    void sandboxOverItsChainShowsOnlyTheContainersChanges()
    {
        const image::ResolvedTree chain = image::resolveTree(disks("sandbox-chain.tar").string());
        image::ResolvedTree sandbox = image::resolveTree(disks("sandbox.vhdx").string());
        QVERIFY(sandbox.disk);
        // The volume's root is the layer's Files/; a placeholder is there, marked, before the overlay.
        const index::NodeId placeholder = sandbox.tree.find("Files/Windows/win.ini");
        QVERIFY(placeholder != index::InvalidNode);
        QVERIFY(index::isWciPlaceholder(sandbox.tree, *sandbox.tree.record(placeholder)));
        QVERIFY(sandbox.tree.find("Files/Users/Public/.wh.old.log") != index::InvalidNode);

        QVERIFY(image::overlayWritableDisk(chain, sandbox));
        QCOMPARE(sandbox.label, disks("sandbox.vhdx").string() + " over " + disks("sandbox-chain.tar").string());
        const diff::DiffResult result = diff::TreeDiff::compare(
            diff::DiffSide::of(chain, "chain"), diff::DiffSide::of(sandbox, "sandbox"), diff::DiffRules::none());
        std::map<std::string, std::set<std::string>> byKind;
        for (const diff::Change& c : result.changes())
            byKind[c.kind == diff::ChangeKind::Added         ? "added"
                       : c.kind == diff::ChangeKind::Removed ? "removed"
                                                             : "changed"]
                .insert(result.path(c));
        std::map<std::string, std::set<std::string>> expected;
        for (const auto& [kind, paths] : manifest().at("sandbox").items())
            expected[kind] = paths.get<std::set<std::string>>();
        QCOMPARE(byKind, expected);
        auto changed = [&](const std::string& path) {
            return *std::find_if(result.changes().begin(), result.changes().end(),
                                 [&](const diff::Change& c) { return result.path(c) == path; });
        };
        QVERIFY(changed("Files/Program Files/App/config.json").fields.contains(diff::Field::Size));
        // Same size, other bytes: only the data read off the disk and hashed tells.
        const diff::Change& rewritten = changed("Files/Program Files/App/app.exe");
        QVERIFY(rewritten.fields.contains(diff::Field::Content));
        QVERIFY(!rewritten.fields.contains(diff::Field::Size));

        // Two disks, or a disk as A, are compared as they are.
        image::ResolvedTree again = image::resolveTree(disks("sandbox.vhdx").string());
        const image::ResolvedTree other = image::resolveTree(disks("sandbox.vhdx").string());
        QVERIFY(!image::overlayWritableDisk(other, again));
        image::ResolvedTree chainAgain = image::resolveTree(disks("sandbox-chain.tar").string());
        QVERIFY(!image::overlayWritableDisk(other, chainAgain));
    }

    // The sandbox's changes as a delta layer: the entries an HCS export would write, in the order importers need,
    // with the data read off the disk; laid over the chain, it gives the view the container had.
    void sandboxCommitsAsADeltaLayer()
    {
        QTemporaryDir tmp;
        const std::filesystem::path out = std::filesystem::path(tmp.path().toStdString()) / "changes.tar";
        const disk::SandboxCommit commit = disk::commitSandbox(disks("sandbox.vhdx"), out, false, Progress::none());
        QCOMPARE(commit.layer.digest, commit.layer.diffId); // a plain tar
        QCOMPARE(commit.counts.whiteouts, uint64_t(2));
        QCOMPARE(commit.counts.files, uint64_t(4)); // app.exe, config.json, new-link.txt and its stream
        const index::LayerScan layer = index::scanLayerFile(out);
        QCOMPARE(layer.layout, wcow::Layout::WindowsDelta);
        QVERIFY(layer.problems.empty());
        std::vector<std::string> order;
        for (const auto& r : layer.index.records())
            order.push_back(layer.index.path(r.node));
        std::sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
            return layer.index.record(layer.index.find(a))->tarIndex
                < layer.index.record(layer.index.find(b))->tarIndex;
        });
        // Files first, a folder's tombstones right after it, parents before children, a stream right after its
        // file, hard links after everything, Hives last.
        const std::vector<std::string> expected {"Files",
                                                 "Files/.wh.Temp",
                                                 "Files/Program Files",
                                                 "Files/Program Files/App",
                                                 "Files/Program Files/App/app.exe",
                                                 "Files/Program Files/App/config.json",
                                                 "Files/Users",
                                                 "Files/Users/Public",
                                                 "Files/Users/Public/.wh.old.log",
                                                 "Files/Users/Public/new-link.txt",
                                                 "Files/Users/Public/new-link.txt:Zone.Identifier",
                                                 "Files/Users/Public/new.txt",
                                                 "Hives"};
        QCOMPARE(order, expected);
        const auto* link = layer.index.record(layer.index.find("Files/Users/Public/new.txt"));
        QCOMPARE(link->type, wcow::EntryType::Hardlink);
        QCOMPARE(layer.index.linkTarget(*link), std::string_view("Files/Users/Public/new-link.txt"));
        QVERIFY(layer.index.record(layer.index.find("Files/Program Files"))->attributes & 0x10); // a folder
        QVERIFY(!(layer.index.record(layer.index.find("Files/Program Files"))->attributes & 0x400)); // no reparse
        // The data is the disk's.
        const auto data = index::readEntries(
            std::make_unique<io::FileSource>(out),
            {layer.index.record(layer.index.find("Files/Program Files/App/config.json"))->tarIndex,
             layer.index.record(layer.index.find("Files/Users/Public/new-link.txt:Zone.Identifier"))->tarIndex},
            1 << 20, Progress::none());
        QCOMPARE(std::string(data[0].begin(), data[0].end()), std::string("{\"debug\": true}\n"));
        QCOMPARE(std::string(data[1].begin(), data[1].end()), std::string("[ZoneTransfer]\r\nZoneId=3\r\n"));

        // Over the chain, the layer gives the tree the container saw: the same paths, types and sizes.
        const image::ResolvedTree chain = image::resolveTree(disks("sandbox-chain.tar").string());
        const index::TreeIndex* layers[] = {&chain.tree, &layer.index};
        const index::TreeIndex applied = index::mergeLayers(layers);
        image::ResolvedTree sandbox = image::resolveTree(disks("sandbox.vhdx").string());
        QVERIFY(image::overlayWritableDisk(chain, sandbox));
        auto shape = [](const index::TreeIndex& tree) {
            std::map<std::string, std::pair<wcow::EntryType, uint64_t>> out;
            for (const auto& r : tree.records())
                out[tree.path(r.node)] = {r.type, r.size};
            return out;
        };
        auto appliedShape = shape(applied);
        appliedShape.erase("Hives"); // the layer's (empty) registry folder, which the disk has no entry for
        QCOMPARE(appliedShape, shape(sandbox.tree));

        // An existing output is kept unless asked.
        QVERIFY_THROWS_EXCEPTION(Error, disk::commitSandbox(disks("sandbox.vhdx"), out, false, Progress::none()));
        QVERIFY(disk::commitSandbox(disks("sandbox.vhdx"), out, true, Progress::none()).layer.digest
                == commit.layer.digest); // and the output depends on the disk only
    }

    // The MFT scan (what users get) and libfsntfs's directory walk (its fallback) list every disk alike (one with 4
    // KiB sectors and records among them), field by field and digest by digest; only which name of a hard-linked file
    // counts as the file may differ, so each name is compared by the group of names its record has. The scan must list
    // each of these disks itself.
    void mftScanListsWhatTheDirectoryWalkLists_data()
    {
        QTest::addColumn<QString>("disk");
        for (const char* name :
             {"fixed.vhdx", "dynamic.vhdx", "dynamic.vhd", "mbr.vhdx", "gpt.vhdx", "sandbox.vhdx", "differencing.vhdx",
              "logged.vhdx", "logged-wrapped.vhdx", "many.vhdx", "extensions.vhdx", "geometry-sector4k.vhdx"})
            QTest::newRow(name) << QString::fromLatin1(name);
    }
    void mftScanListsWhatTheDirectoryWalkLists()
    {
        QFETCH(QString, disk);
        const disk::NtfsVolume volume(disks(disk.toStdString()));
        const index::LayerScan scanned = disk::scanVolume(volume, {}, "Files", disk::NtfsReader::MftScan);
        const index::LayerScan walked = disk::scanVolume(volume, {}, "Files", disk::NtfsReader::DirectoryWalk);
        QVERIFY(scanned.problems.empty());
        QVERIFY(walked.problems.empty());
        const auto listing = [](const index::TreeIndex& tree) {
            // Each name of a hard-linked file mapped to the group's smallest path.
            std::map<std::string, std::set<std::string>> members; // the file's path -> its names
            for (const auto& r : tree.records())
                if (r.type == wcow::EntryType::Hardlink) {
                    const std::string target(tree.linkTarget(r));
                    members[target].insert({target, tree.path(r.node)});
                }
            std::map<std::string, std::string> group;
            for (const auto& [file, names] : members)
                for (const std::string& name : names)
                    group[name] = *names.begin();
            std::map<std::string, std::string> out;
            for (const auto& r : tree.records()) {
                const std::string path = tree.path(r.node);
                const auto linked = group.find(path);
                const auto& file
                    = r.type == wcow::EntryType::Hardlink ? *tree.record(tree.find(tree.linkTarget(r))) : r;
                const wcow::WindowsEntry e = tree.entry(file);
                std::string text = linked != group.end()
                    ? "linked to " + linked->second
                    : std::string(wcow::entryTypeName(e.type)) + " -> " + e.linkTarget;
                text += " size " + std::to_string(e.size) + " attributes " + std::to_string(e.attributes.value_or(0))
                    + " " + e.sddl + " " + wcow::formatRfc3339(e.modified);
                for (const auto& t : {e.created, e.accessed, e.changed})
                    text += " " + (t ? wcow::formatRfc3339(*t) : std::string("-"));
                for (const auto& [key, value] : e.xattrs)
                    text += " " + key + "=" + value;
                if (file.has(index::TreeIndex::Record::HasHash))
                    text += " " + toHex(file.sha256);
                out[path] = text;
            }
            return out;
        };
        const auto fromScan = listing(scanned.index);
        const auto fromWalk = listing(walked.index);
        QVERIFY(fromWalk.size() > 10);
        QCOMPARE(fromScan.size(), fromWalk.size());
        for (const auto& [path, expected] : fromWalk) {
            const auto it = fromScan.find(path);
            QVERIFY2(it != fromScan.end(), path.c_str());
            // libfsntfs 20200921 reads a non-resident $REPARSE_POINT as tag 0, so the walk lists the long symlink
            // as a plain file; the scan's reading of it is checked against the generator in
            // mftScanMergesExtensionRecords.
            if (it->second != expected && disk == "extensions.vhdx" && path == "Files/long-link") {
                QVERIFY(expected.find("0x00000000") != std::string::npos);
                continue;
            }
            // The ends of both, should they differ (Qt cuts long messages).
            const auto tail = [](const std::string& text) {
                return text.size() > 400 ? "..." + text.substr(text.size() - 400) : text;
            };
            QVERIFY2(it->second == expected,
                     (path + ":\n  scan " + tail(it->second) + "\n  walk " + tail(expected)).c_str());
        }
        QCOMPARE(scanned.counts.entries, walked.counts.entries);
        QCOMPARE(scanned.counts.hardlinks, walked.counts.hardlinks);
        QCOMPARE(scanned.totalBytes, walked.totalBytes);
    }

    // Volumes made with 512-byte clusters (records straddle them), 64 KiB clusters and 4 KiB sectors and records:
    // the scan lists every entry the generator made. libfsntfs 20200921 does not, on the first two: its walk (and its
    // own fsntfsinfo -H) lists no file of the 300-file folder and 13 of the 41 names in the other, without an error;
    // ntfsls lists all of them. So the walk is only checked to list nothing the scan does not.
    void mftScanReadsOtherGeometries_data()
    {
        QTest::addColumn<QString>("disk");
        for (const json& disk : manifest().at("geometries").at("disks"))
            QTest::newRow(disk.get<std::string>().c_str()) << QString::fromStdString(disk.get<std::string>());
    }
    void mftScanReadsOtherGeometries()
    {
        QFETCH(QString, disk);
        const disk::NtfsVolume volume(disks(disk.toStdString()));
        const index::LayerScan scan = disk::scanVolume(volume, {}, {}, disk::NtfsReader::MftScan);
        QVERIFY(scan.problems.empty());
        std::map<std::string, std::string> listed;
        for (const auto& r : scan.index.records())
            listed[scan.index.path(r.node)] = wcow::entryTypeName(r.type);
        std::map<std::string, std::string> expected;
        for (const auto& [path, type] : manifest().at("geometries").at("entries").items())
            expected[path] = type.get<std::string>();
        QCOMPARE(listed, expected);
        const index::LayerScan walked = disk::scanVolume(volume, {}, {}, disk::NtfsReader::DirectoryWalk);
        for (const auto& r : walked.index.records())
            QVERIFY2(listed.contains(walked.index.path(r.node)), walked.index.path(r.node).c_str());
        // Previews, exports and a sandbox's commit open files by path: found through the MFT where libfsntfs's
        // lookup through the folder's index fails.
        const json& geometries = manifest().at("geometries");
        const auto source = volume.open(geometries.at("file").get<std::string>());
        std::string content(size_t(source->storedSize()), '\0');
        QCOMPARE(source->read(content.data(), content.size()), content.size());
        QCOMPARE(content, geometries.at("content").get<std::string>());
        QVERIFY_THROWS_EXCEPTION(Error, volume.open("Dir/no-such-file.txt"));
    }

    // Records that do not fit in one: a file's 61 names and another's 30 streams in extension records (the
    // generator checks that ntfs-3g wrote attribute lists), a symlink's non-resident reparse data. The scan merges
    // them into their base record as the walk does (mftScanListsWhatTheDirectoryWalkLists compares the rest).
    void mftScanMergesExtensionRecords()
    {
        const json& expected = manifest().at("extensions");
        const disk::NtfsVolume volume(disks(expected.at("disk").get<std::string>()));
        const index::LayerScan scan = disk::scanVolume(volume, {}, {}, disk::NtfsReader::MftScan);
        QVERIFY(scan.problems.empty());
        const index::TreeIndex& tree = scan.index;
        // The name first in path order is the file ("another-name-...-000.dll" before "target.dll"), the other 60
        // link to it.
        const std::string file = "Names/another-name-for-the-same-file-number-000.dll";
        QVERIFY(tree.find(expected.at("file").get<std::string>()) != index::InvalidNode);
        QCOMPARE(tree.record(tree.find(file))->type, wcow::EntryType::File);
        size_t links = 0;
        for (const auto& r : tree.records())
            if (r.type == wcow::EntryType::Hardlink && tree.linkTarget(r) == file)
                ++links;
        QCOMPARE(links, expected.at("links").get<size_t>());
        const std::string streamFile = expected.at("streamFile");
        size_t streams = 0;
        for (const auto& r : tree.records())
            if (r.type == wcow::EntryType::Stream && tree.path(r.node).starts_with(streamFile + ":")) {
                ++streams;
                QVERIFY(r.has(index::TreeIndex::Record::HasHash));
            }
        QCOMPARE(streams, expected.at("streams").get<size_t>());
        const auto* link = tree.record(tree.find(expected.at("symlink").get<std::string>()));
        QVERIFY(link);
        QCOMPARE(link->type, wcow::EntryType::Symlink);
        QCOMPARE(std::string(tree.linkTarget(*link)), expected.at("target").get<std::string>());
    }

    // A record the $MFT's bitmap says is in use but that is no file record: the scan says which and at what, and the
    // listing users get is the walk's, which can name the entry where its folder lists it, with a warning why.
    void damagedRecordSendsTheScanToTheWalk()
    {
        const disk::NtfsVolume volume(disks("corrupt-record.vhdx"));
        try {
            disk::scanVolume(volume, {}, {}, disk::NtfsReader::MftScan);
            QFAIL("the MFT scan listed a volume with a damaged record");
        } catch (const Error& e) {
            QVERIFY2(e.message().find("is in use by the $MFT's bitmap but is not a file record") != std::string::npos,
                     e.message().c_str());
        }
        const index::LayerScan automatic = disk::scanVolume(volume, {.hashFiles = false}, {});
        const index::LayerScan walked
            = disk::scanVolume(volume, {.hashFiles = false}, {}, disk::NtfsReader::DirectoryWalk);
        QCOMPARE(automatic.problems.size(), walked.problems.size());
        QCOMPARE(automatic.warnings.size(), size_t(1));
        QVERIFY2(automatic.warnings.front().find("walking its folders") != std::string::npos,
                 automatic.warnings.front().c_str());
        QVERIFY(walked.warnings.empty());
        QCOMPARE(automatic.index.recordCount(), walked.index.recordCount());
    }

    // One damaged MFT record costs that entry's fields only: it keeps its place in the tree, marked unreadable with
    // the reason, it is a problem naming it, and the rest of the tree is there.
    void keepsTheTreeAroundAnUnreadableRecord()
    {
        const index::LayerScan scan = disk::scanDisk(disks("corrupt-record.vhdx"));
        QCOMPARE(scan.problems.size(), size_t(1));
        QCOMPARE(scan.problems.back().path, std::string("hidden-system.sys"));
        QVERIFY2(scan.problems.back().message.find("holds no file") != std::string::npos,
                 scan.problems.back().message.c_str());
        const index::NodeId node = scan.index.find("hidden-system.sys");
        QVERIFY(node != index::InvalidNode);
        const auto* record = scan.index.record(node);
        QVERIFY(record);
        QCOMPARE(record->type, wcow::EntryType::Other);
        const std::string reason = index::unreadableReason(scan.index, *record);
        QVERIFY2(reason.find("MFT record") != std::string::npos && reason.find("BAAD") != std::string::npos,
                 reason.c_str());
        QCOMPARE(scan.counts.entries, uint64_t(manifest().at("entries").size()));
        const auto* hosts = scan.index.record(scan.index.find("Windows/System32/drivers/etc/hosts"));
        QVERIFY(hosts);
        QVERIFY(index::unreadableReason(scan.index, *hosts).empty());
    }

    // Disks are opened through LayerScope's own file handles: a folder name outside ASCII and a path beyond Windows'
    // 260 characters read like any other (on Windows, libvhdi's own narrow-path open could do neither).
    void opensDisksAtNonAsciiAndLongPaths()
    {
        namespace fs = std::filesystem;
        QTemporaryDir tmp;
        fs::path folder = fs::path(tmp.path().toStdString()) / fs::u8path("Dïsks-名前");
        for (int i = 0; i < 6; ++i)
            folder /= std::string(40, char('a' + i));
        fs::create_directories(folder);
        const fs::path copy = folder / fs::u8path("dÿnamic.vhdx");
        QVERIFY(io::pathToUtf8(copy).size() > 260);
        fs::copy_file(disks("dynamic.vhdx"), copy);
        const index::LayerScan scan = disk::scanDisk(copy);
        QVERIFY(scan.problems.empty());
        QCOMPARE(scan.counts.entries, uint64_t(manifest().at("entries").size()));
    }

    // A disk left as a crash leaves it: its last write (kernel32.dll's new bytes) is only in its log, behind an older
    // finished sequence, a torn entry and an entry of another log (and, in the second disk, wrapping round the log's
    // end). LayerScope replays the active sequence in memory
    // and must read exactly what qemu-img reads after replaying the same log in place; the file stays untouched.
    void replaysALogInMemory_data()
    {
        QTest::addColumn<QString>("disk");
        QTest::addColumn<QString>("replayedByQemu");
        for (const auto& [disk, reference] : manifest().at("logged").at("disks").items())
            QTest::newRow(disk.c_str()) << QString::fromStdString(disk)
                                        << QString::fromStdString(reference.get<std::string>());
    }
    void replaysALogInMemory()
    {
        QFETCH(QString, disk);
        QFETCH(QString, replayedByQemu);
        const json& logged = manifest().at("logged");
        const auto path = disks(disk.toStdString());
        const auto fileDigest = [&] { return Sha256::of(testsupport::readAll(path)); };
        const Sha256Digest before = fileDigest();

        const image::VhdxInfo info = image::readVhdxInfo(path);
        QVERIFY(info.log);
        QCOMPARE(info.log->entries, logged.at("entries").get<size_t>());
        QCOMPARE(info.log->headSequence, logged.at("headSequence").get<uint64_t>());
        QVERIFY(!image::readVhdxInfo(disks(replayedByQemu.toStdString())).log);

        const index::LayerScan replayed = disk::scanDisk(path);
        const index::LayerScan reference = disk::scanDisk(disks(replayedByQemu.toStdString()));
        const index::LayerScan unreplayed = disk::scanDisk(disks("dynamic.vhdx"));
        QVERIFY(replayed.problems.empty());
        QCOMPARE(replayed.index.recordCount(), reference.index.recordCount());
        for (const auto& r : reference.index.records()) {
            const std::string name = reference.index.path(r.node);
            const auto* mine = replayed.index.record(replayed.index.find(name));
            QVERIFY2(mine, name.c_str());
            QCOMPARE(mine->type, r.type);
            QCOMPARE(mine->size, r.size);
            QCOMPARE(std::string(replayed.index.sddl(*mine)), std::string(reference.index.sddl(r)));
            QVERIFY2(mine->sha256 == r.sha256, name.c_str());
        }
        const std::string changed = logged.at("path").get<std::string>();
        const auto* file = replayed.index.record(replayed.index.find(changed));
        const auto* old = unreplayed.index.record(unreplayed.index.find(changed));
        QVERIFY(file && old);
        QCOMPARE(toHex(file->sha256), logged.at("sha256").get<std::string>());
        QVERIFY(file->sha256 != old->sha256); // without the replay, the old bytes
        QVERIFY(fileDigest() == before);
    }

    // A differencing VHDX (the generator writes it: qemu-img makes none) reads through its parent: the sectors it
    // holds are its own, and every other sector, though the child's payload block has filler there, the parent's.
    void readsADifferencingVhdxThroughItsParent()
    {
        namespace fs = std::filesystem;
        const json& change = manifest().at("differencing");
        const image::VhdxInfo info = image::readVhdxInfo(disks("differencing.vhdx"));
        QCOMPARE(info.type, image::VhdxInfo::DiskType::Differencing);
        QCOMPARE(info.parentPath, std::string(".\\dynamic.vhdx"));
        const index::LayerScan child = disk::scanDisk(disks("differencing.vhdx"));
        const index::LayerScan parent = disk::scanDisk(disks(change.at("parent").get<std::string>()));
        QVERIFY(child.problems.empty());
        QCOMPARE(child.index.recordCount(), parent.index.recordCount());
        for (const auto& r : parent.index.records()) {
            const std::string path = parent.index.path(r.node);
            const index::NodeId node = child.index.find(path);
            QVERIFY2(node != index::InvalidNode, path.c_str());
            const auto* mine = child.index.record(node);
            QCOMPARE(mine->type, r.type);
            QCOMPARE(mine->size, r.size);
            QCOMPARE(std::string(child.index.sddl(*mine)), std::string(parent.index.sddl(r)));
            if (path == change.at("path").get<std::string>()) {
                QCOMPARE(toHex(mine->sha256), change.at("sha256").get<std::string>());
                QVERIFY(mine->sha256 != r.sha256);
            } else {
                QVERIFY2(mine->sha256 == r.sha256, path.c_str());
            }
        }

        // Alone, it names the parent it asks for; beside a disk that is not its parent, it says so.
        QTemporaryDir tmp;
        const fs::path alone = fs::path(tmp.path().toStdString()) / "differencing.vhdx";
        fs::copy_file(disks("differencing.vhdx"), alone);
        auto failure = [&]() -> std::string {
            try {
                disk::scanDisk(alone);
            } catch (const Error& e) {
                return e.where().file == alone.string() ? e.what() : "another file named: " + e.where().file;
            }
            return "no error";
        };
        std::string message = failure();
        QVERIFY2(message.find("differencing disk whose parent \"C:\\ProgramData\\disks\\dynamic.vhdx\" is missing")
                     != std::string::npos,
                 message.c_str());
        fs::copy_file(disks("fixed.vhdx"), alone.parent_path() / "dynamic.vhdx"); // same volume, another disk
        message = failure();
        QVERIFY2(message.find("does not fit this disk") != std::string::npos, message.c_str());
    }

    void refusesBrokenDisks_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("message");
        QTest::newRow("broken VHDX header")
            << QString::fromStdString(disks("broken-header.vhdx").string())
            << "neither header (at 64 KiB and 128 KiB) has a valid signature and checksum";
        QTest::newRow("no NTFS") << QString::fromStdString(disks("no-ntfs.vhdx").string())
                                 << "no NTFS volume: the disk starts with neither an NTFS boot sector nor a partition "
                                    "table";
        QTest::newRow("log without a valid sequence")
            << QString::fromStdString(disks("pending-log.vhdx").string())
            << "the log holds no valid sequence of entries: the disk is damaged";
        QTest::newRow("truncated after its log was written")
            << QString::fromStdString(disks("truncated-log.vhdx").string())
            << "the log says the file had at least 34603008 bytes, but it has 33554432: the file was truncated";
        QTest::newRow("broken log") << QString::fromStdString(disks("broken-log.vhdx").string())
                                    << "that is not whole MiB inside the file: the log is broken";
        // The image fixtures' differencing VHD names .\base.vhd, which is not beside it.
        QTest::newRow("missing parent") << QString::fromStdString(
            testsupport::fixture("images/disks/differencing.vhd").string())
                                        << "differencing disk whose parent \"base.vhd\" is missing";
    }
    void refusesBrokenDisks()
    {
        QFETCH(QString, path);
        QFETCH(QString, message);
        try {
            disk::scanDisk(path.toStdString());
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString::fromStdString(e.what()).contains(message), e.what());
            QVERIFY2(QString::fromStdString(e.where().file) == path, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestNtfsDisk)
#include "tst_ntfsdisk.moc"
