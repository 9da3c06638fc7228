// SPDX-License-Identifier: Apache-2.0
// Scratch layers over a chain (issue 7): the portable backend prepares a work folder from the two-layer fixture
// image, records a baseline, reports edits through the diff engine, commits them as a Windows delta layer and a new
// image, and discards. Hostile layers (tests/fixtures/scratchfixtures.py) must be refused without touching anything
// outside the work folder, and a cancelled prepare must leave nothing behind.
#include "common/sha256.h"
#include "diff/treediff.h"
#include "image/imageanalysis.h"
#include "image/imagesource.h"
#include "index/folderscan.h"
#include "index/layerscan.h"
#include "index/treeindexbuilder.h"
#include "scratch/imageappender.h"
#include "scratch/pathpolicy.h"
#include "scratch/safefolder.h"
#include "scratch/scratchbackend.h"
#include "scratch/scratchsession.h"
#include "symlinksupport.h"
#include "testsupport.h"
#include "wcow/casefold.h"

#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <thread>

using namespace layerscope;
using namespace layerscope::scratch;
namespace fs = std::filesystem;

namespace {

fs::path imageFixture(const std::string& name)
{
    return testsupport::fixture("images/" + name);
}

void writeText(const fs::path& path, const std::string& text)
{
    testsupport::writeAll(path, std::vector<uint8_t>(text.begin(), text.end()));
}

std::set<std::string> listing(const fs::path& folder)
{
    std::set<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(folder))
        names.insert(fs::relative(e.path(), folder).generic_string());
    return names;
}

// Cancels at the n-th advance() call.
class CancelAfter final : public Progress
{
public:
    explicit CancelAfter(int calls)
        : m_left(calls)
    { }
    void advance(uint64_t, uint64_t) override { --m_left; }
    bool cancelled() const override { return m_left <= 0; }
    int m_left;
};

// The work folder as a tree (state folder left out), for comparing with a merged view.
index::TreeIndex scanWork(const fs::path& dir)
{
    const index::TreeIndex scan = index::scanFolder(dir, {"Files", true, true, nullptr});
    index::TreeIndexBuilder builder(true);
    for (const auto& r : scan.records()) {
        const std::string path = scan.path(r.node);
        if (path.starts_with("Files/.layerscope"))
            continue;
        wcow::WindowsEntry e = scan.entry(r);
        e.path = path;
        builder.add(e, r.has(index::TreeIndex::Record::HasHash) ? std::optional(r.sha256) : std::nullopt);
    }
    return builder.finish();
}

// The merged view's Files/ compared with the work folder by the diff engine. Returns the paths whose differences
// are more than a disk can express: content, or presence. Link text (Windows '\' vs '/'), junction vs symbolic link,
// times and hard-link grouping are representation, not content.
std::vector<std::string> contentDifferences(const index::TreeIndex& merged, const index::TreeIndex& folder)
{
    const diff::DiffSide a {"merged", "", &merged, diff::DiffSide::Kind::Merged, true};
    const diff::DiffSide b {"work", "", &folder, diff::DiffSide::Kind::Folder, true};
    const diff::DiffResult result = diff::TreeDiff::compare(a, b, diff::DiffRules::none());
    std::vector<std::string> out;
    for (const auto& change : result.changes()) {
        const std::string path = result.path(change);
        const auto* ra = result.record(change, diff::DiffResult::Side::A);
        if (ra && ra->type == wcow::EntryType::Stream)
            continue; // alternate data streams have no place on a POSIX disk (reported as a note by prepare)
        if (change.kind != diff::ChangeKind::Changed) {
            out.push_back(std::string(diff::changeKindName(change.kind)) + " " + path);
            continue;
        }
        if (change.fields.contains(diff::Field::Content) || change.fields.contains(diff::Field::Size))
            out.push_back("content " + path);
        else if (change.fields.contains(diff::Field::Type)) {
            const auto* rb = result.record(change, diff::DiffResult::Side::B);
            const bool linkKinds = ra && rb
                && (ra->type == wcow::EntryType::Junction || ra->type == wcow::EntryType::Hardlink
                    || ra->type == wcow::EntryType::File)
                && (rb->type == wcow::EntryType::Symlink || rb->type == wcow::EntryType::File
                    || rb->type == wcow::EntryType::Hardlink);
            if (!linkKinds)
                out.push_back("type " + path);
        }
    }
    return out;
}

std::string joined(const std::vector<std::string>& v)
{
    std::string s;
    for (const auto& x : v)
        s += x + "\n";
    return s;
}

} // namespace

class TestScratch : public QObject
{
    Q_OBJECT

private slots:
    void pathPolicyRejectsEscapes_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("safe");
        QTest::newRow("plain") << "Files/a/b.txt" << true;
        QTest::newRow("dots inside a name") << "Files/a..b" << true;
        QTest::newRow("dotdot") << "Files/../x" << false;
        QTest::newRow("trailing dotdot") << "Files/a/.." << false;
        QTest::newRow("absolute") << "/etc/passwd" << false;
        QTest::newRow("backslash absolute") << "\\Windows" << false;
        QTest::newRow("drive") << "C:/Windows" << false;
        QTest::newRow("drive relative") << "c:x" << false;
        QTest::newRow("backslash") << "Files\\x" << false;
    }
    void pathPolicyRejectsEscapes()
    {
        QFETCH(QString, name);
        QFETCH(bool, safe);
        QCOMPARE(!rawNameProblem(name.toStdString()).has_value(), safe);
    }

    void pathPolicyRejectsDeviceNames()
    {
        QVERIFY(componentProblem("CON"));
        QVERIFY(componentProblem("nul.txt"));
        QVERIFY(componentProblem("COM1"));
        QVERIFY(componentProblem("a:b"));
        QVERIFY(componentProblem(".."));
        QVERIFY(!componentProblem("Console"));
        QVERIFY(relativePathProblem("a/LPT9/b"));
        QVERIFY(!relativePathProblem("a/b/naïve résumé.txt"));
    }

    void safeFolderNeverWritesThroughLinks()
    {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        fs::create_directories(root / "outside");
        fs::create_directories(root / "work" / "dir");
        MAKE_SYMLINK_OR_SKIP("../outside", root / "work" / "evil", true);
        MAKE_SYMLINK_OR_SKIP("../outside/target.txt", root / "work" / "file-link", false);
        SafeFolder folder(root / "work");
        QVERIFY_THROWS_EXCEPTION(Error, folder.createFile("evil/x.txt"));
        QVERIFY_THROWS_EXCEPTION(Error, folder.createDirectory("evil/sub"));
        QVERIFY_THROWS_EXCEPTION(Error, folder.createSymlink("evil/l", "x", false));
        QVERIFY_THROWS_EXCEPTION(Error, folder.createHardLink("dir/h", "file-link")); // a link is not a file
        QVERIFY_THROWS_EXCEPTION(Error, folder.createFile("file-link")); // never opened through the link
        QVERIFY_THROWS_EXCEPTION(Error, folder.setTimes("evil/x", {0, 0}, {0, 0}));
        folder.remove("evil"); // removes the link, not what it points at
        QVERIFY(fs::is_empty(root / "outside"));
        QVERIFY(!fs::exists(fs::symlink_status(root / "work" / "evil")));
        auto sink = folder.createFile("dir/ok.txt");
        sink->write("ok", 2);
        sink->finish();
        QCOMPARE(fs::file_size(root / "work" / "dir" / "ok.txt"), uintmax_t(2));
        // The root itself must not be a link either.
        MAKE_SYMLINK_OR_SKIP("outside", root / "root-link", true);
        QVERIFY_THROWS_EXCEPTION(Error, SafeFolder(root / "root-link"));
    }

    void racingLinkSwapsCannotRedirectWrites()
    {
        // TOCTOU (Docker's CVE-2018-15664): another thread keeps replacing the folder "a" inside the work folder by a
        // symbolic link to a folder outside it, and back, while every SafeFolder operation runs below "a". Whatever
        // the interleaving, an operation either lands inside the work folder or fails: nothing may appear outside.
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        const fs::path work = root / "work";
        const fs::path outside = root / "outside";
        fs::create_directories(work / "a");
        fs::create_directories(outside);
        SKIP_UNLESS_SYMLINKS_IN(root); // no link could be swapped in
        SafeFolder folder(work);
        testsupport::writeAll(work / "target.bin", {1, 2, 3});

        std::atomic<bool> stop = false;
        std::atomic<int> swaps = 0;
        std::thread racer([&] {
            std::error_code ec;
            while (!stop) {
                fs::remove_all(work / "a", ec); // a link is removed, never followed
                if (testsupport::makeSymlink(io::pathToUtf8(outside), work / "a", true).isEmpty())
                    ++swaps;
                std::this_thread::yield();
                fs::remove(work / "a", ec);
                fs::create_directory(work / "a", ec);
                std::this_thread::yield();
            }
        });
        int succeeded = 0;
        int refused = 0;
        const auto attempt = [&](auto&& operation) {
            try {
                operation();
                ++succeeded;
            } catch (const Error&) {
                ++refused;
            }
        };
        // At least 3000 rounds, and on until the racer has swapped the link in often enough: on a busy machine its
        // thread may get no time at all in the first rounds (seen once in 300 runs: 0 swaps in 3000 rounds).
        for (int i = 0; (i < 3000 || swaps < 20) && i < 100000 && !QTest::currentTestFailed(); ++i) {
            const std::string n = std::to_string(i);
            attempt([&] { folder.createDirectory("a"); });
            attempt([&] {
                auto sink = folder.createFile("a/f" + n);
                sink->write("x", 1);
                sink->finish();
            });
            attempt([&] { folder.createDirectory("a/d" + n); });
            attempt([&] { folder.createSymlink("a/l" + n, "../target.bin", false); });
            attempt([&] { folder.createHardLink("a/h" + n, "target.bin"); });
            attempt([&] { folder.setTimes("a/f" + n, {1, 0}, {1, 0}); });
            attempt([&] { folder.remove("a/d" + n); });
        }
        stop = true;
        racer.join();
        qInfo("%d link swaps; %d operations done inside, %d refused", swaps.load(), succeeded, refused);
        QVERIFY(swaps > 0);
        std::string escaped;
        for (const auto& entry : fs::recursive_directory_iterator(outside))
            escaped += entry.path().string() + " ";
        QVERIFY2(escaped.empty(), escaped.c_str());
        QCOMPARE(testsupport::readAll(work / "target.bin"), (std::vector<uint8_t> {1, 2, 3}));
    }

    void preparesTheMergedViewOfATwoLayerImage()
    {
        QTemporaryDir tmp;
        const fs::path work = fs::path(tmp.path().toStdString()) / "work";
        SKIP_UNLESS_SYMLINKS_IN(fs::path(tmp.path().toStdString())); // the image holds links the check needs
        auto backend = createPortableBackend();
        const PrepareResult result
            = backend->prepare({imageFixture("oci-layout"), {}, false, work, {}}, Progress::none());
        QCOMPARE(result.layers, size_t(2));
        QVERIFY(result.files > 10);
        QVERIFY(fs::is_regular_file(work / "NewDir" / "a.txt")); // from the delta layer
        QVERIFY(!fs::exists(work / u8"日本語.txt")); // whited out by the delta layer
        QVERIFY(fs::is_directory(work / "Windows" / "Panther")); // a base file replaced by a folder
        // statNoFollow rather than std::filesystem, whose MinGW build cannot read links; Windows stores '\\'.
        const index::FileStat shortcut = index::statNoFollow(work / "Program Files" / "Shortcuts" / "app.exe");
        QCOMPARE(shortcut.type, wcow::EntryType::Symlink);
        std::string target = shortcut.linkTarget;
        std::replace(target.begin(), target.end(), '\\', '/');
        QCOMPARE(target, std::string("../App/app.exe"));
        // A junction, kept as a (dangling) link.
        QCOMPARE(index::statNoFollow(work / "Users" / "All Users").type, wcow::EntryType::Symlink);
        QVERIFY(ScratchSession::isScratchFolder(work));

        auto source = image::ImageSource::open(imageFixture("oci-layout"));
        const index::TreeIndex merged = image::mergedView(*source, true);
        // Including the base layer's app-link.exe, a hard link to the app.exe that the delta replaces: like NTFS,
        // both the work folder and the merged view keep the base file under the link's name.
        QCOMPARE(joined(contentDifferences(merged, scanWork(work))), std::string());

        // A new process (a new backend) sees a clean folder: the state survives restarts.
        QVERIFY(createPortableBackend()->status(work, Progress::none()).clean());
        createPortableBackend()->discard(work, Progress::none());
        QVERIFY(!fs::exists(work));
        QVERIFY(fs::is_empty(tmp.path().toStdString()));
    }

    void upToLimitsTheChain()
    {
        QTemporaryDir tmp;
        const fs::path work = fs::path(tmp.path().toStdString()) / "work";
        createPortableBackend()->prepare({imageFixture("oci-archive.tar"), 0, false, work, {}}, Progress::none());
        QVERIFY(!fs::exists(work / "NewDir"));
        QVERIFY(fs::is_regular_file(work / u8"日本語.txt"));
        QVERIFY(fs::is_regular_file(work / "Windows" / "Panther"));
        QCOMPARE(ScratchSession::load(work, false).layerCount, size_t(1));
        // The new image stacks on the chosen layer: the parent's upper layer and its history entry are left out.
        writeText(work / "extra.txt", "x\n");
        CommitRequest request;
        request.layerOut = fs::path(tmp.path().toStdString()) / "l.tar.gz";
        request.imageOut = fs::path(tmp.path().toStdString()) / "img";
        createPortableBackend()->commit(work, request, Progress::none());
        auto parent = image::ImageSource::open(imageFixture("oci-archive.tar"));
        auto img = image::ImageSource::open(*request.imageOut);
        QCOMPARE(img->image().layers.size(), size_t(2));
        QCOMPARE(img->image().layers[0].diffId, parent->image().layers[0].diffId);
        QCOMPARE(img->image().layers[0].createdBy, parent->image().layers[0].createdBy);
        QVERIFY(img->image().notes.empty());
        QCOMPARE(image::analyzeImage(*img, {.strict = false}).findings.size(), size_t(0));
        QVERIFY_THROWS_EXCEPTION(
            Error,
            createPortableBackend()->prepare(
                {imageFixture("oci-layout"), 2, false, fs::path(tmp.path().toStdString()) / "w2", {}},
                Progress::none()));
    }

    void commitsEditsAsADeltaLayerAndANewImage_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("format");
        QTest::newRow("oci layout -> oci") << "oci-layout"
                                           << "oci";
        QTest::newRow("docker archive -> docker-archive") << "docker-oci.tar"
                                                          << "docker-archive";
        QTest::newRow("oci archive -> docker-archive") << "oci-archive.tar"
                                                       << "docker-archive";
    }
    void commitsEditsAsADeltaLayerAndANewImage()
    {
        QFETCH(QString, source);
        QFETCH(QString, format);
        QTemporaryDir tmp;
        SKIP_UNLESS_SYMLINKS_IN(fs::path(tmp.path().toStdString())); // the merged view holds links
        const fs::path root = tmp.path().toStdString();
        const fs::path work = root / "work";
        auto backend = createPortableBackend();
        backend->prepare({imageFixture(source.toStdString()), {}, false, work, {}}, Progress::none());

        // Edits: new files (at the top, inside a folder of the lower layer, in new folders), modified files from
        // both layers, a deleted file of each layer and a whole deleted folder of the base layer.
        writeText(work / "NewTop.txt", "added at the top\n");
        writeText(work / "Windows" / "System32" / "added.dll", "added into a base folder\n");
        fs::create_directories(work / "Added" / "Sub");
        writeText(work / "Added" / "Sub" / "deep.txt", "added in new folders\n");
        writeText(work / "Windows" / "System32" / "oem.sys", "modified base file\n");
        writeText(work / "NewDir" / "a.txt", "modified delta file\n");
        fs::remove(work / "Windows" / "old.log");
        fs::remove(work / "NewDir" / "b.bin");
        // SafeFolder rather than fs::remove_all, which MinGW's runtime cannot do beyond 260 characters (Deep is).
        SafeFolder(work).remove("Users/Public/Deep");

        const ScratchStatus status = backend->status(work, Progress::none());
        std::map<std::string, ChangeKind> kinds;
        for (const auto& c : status.changes)
            kinds[c.path] = c.kind;
        const std::map<std::string, ChangeKind> expected = {
            {"Files/Added", ChangeKind::Added},
            {"Files/Added/Sub", ChangeKind::Added},
            {"Files/Added/Sub/deep.txt", ChangeKind::Added},
            {"Files/NewDir/a.txt", ChangeKind::Modified},
            {"Files/NewDir/b.bin", ChangeKind::Removed},
            {"Files/NewTop.txt", ChangeKind::Added},
            {"Files/Users/Public/Deep", ChangeKind::Removed},
            {"Files/Windows/old.log", ChangeKind::Removed},
            {"Files/Windows/System32/added.dll", ChangeKind::Added},
            {"Files/Windows/System32/oem.sys", ChangeKind::Modified},
        };
        QCOMPARE(kinds, expected);
        QCOMPARE(status.added, uint64_t(5));
        QCOMPARE(status.removed, uint64_t(3));
        QCOMPARE(status.modified, uint64_t(2));

        const fs::path layerOut = root / "layer.tar.gz";
        const fs::path imageOut = root / "new-image";
        CommitRequest request;
        request.layerOut = layerOut;
        request.imageOut = imageOut;
        request.imageFormat = *baselayer::parseFormat(format.toStdString());
        const CommitResult committed = backend->commit(work, request, Progress::none());
        QCOMPARE(committed.whiteouts, uint64_t(3));
        QVERIFY(fs::exists(work / "NewTop.txt")); // the work folder stays

        // The layer holds exactly the changes, their parent folders, the whiteouts and Hives.
        const index::LayerScan layer = index::scanLayerFile(layerOut);
        QCOMPARE(layer.layout, wcow::Layout::WindowsDelta);
        for (const auto& p : layer.problems)
            QVERIFY2(p.severity != wcow::Problem::Severity::Error, (p.path + ": " + p.message).c_str());
        QCOMPARE(layer.diffId, committed.diffId);
        std::set<std::string> paths;
        for (const auto& r : layer.index.records())
            paths.insert(layer.index.path(r.node));
        const std::set<std::string> expectedPaths = {"Files",
                                                     "Files/Added",
                                                     "Files/Added/Sub",
                                                     "Files/Added/Sub/deep.txt",
                                                     "Files/NewDir",
                                                     "Files/NewDir/.wh.b.bin",
                                                     "Files/NewDir/a.txt",
                                                     "Files/NewTop.txt",
                                                     "Files/Users",
                                                     "Files/Users/Public",
                                                     "Files/Users/Public/.wh.Deep",
                                                     "Files/Windows",
                                                     "Files/Windows/.wh.old.log",
                                                     "Files/Windows/System32",
                                                     "Files/Windows/System32/added.dll",
                                                     "Files/Windows/System32/oem.sys",
                                                     "Hives"};
        QCOMPARE(paths, expectedPaths);
        // Windows metadata of a modified file is carried over from the chain; new files get the defaults.
        const auto* oem = layer.index.record(layer.index.find("Files/Windows/System32/oem.sys"));
        QVERIFY(oem);
        QCOMPARE(oem->attributes, uint32_t(0x27)); // READONLY | HIDDEN | SYSTEM | ARCHIVE, as in base.tar
        QVERIFY(!layer.index.sddl(*oem).empty());
        const auto* added = layer.index.record(layer.index.find("Files/NewTop.txt"));
        QCOMPARE(added->attributes, uint32_t(0x20));
        QVERIFY(layer.index.sddl(*added).starts_with("O:BAG:SY"));

        // The new image: parent layers plus the new one, every identity verified, no finding the parent lacks.
        auto parent = image::ImageSource::open(imageFixture(source.toStdString()));
        const image::Analysis parentAnalysis = image::analyzeImage(*parent, {.strict = false});
        auto result = image::ImageSource::open(imageOut);
        QCOMPARE(result->image().layers.size(), size_t(3));
        QCOMPARE(result->image().layers.back().diffId, committed.diffId);
        QCOMPARE(result->image().os, std::string("windows"));
        const image::Analysis analysis = image::analyzeImage(*result, {.strict = false});
        QCOMPARE(parentAnalysis.findings.size(), size_t(0));
        for (const auto& f : analysis.findings)
            qWarning("finding: %s", f.message.c_str());
        QCOMPARE(analysis.findings.size(), size_t(0));
        QCOMPARE(result->image().layers[0].diffId, parent->image().layers[0].diffId);
        QCOMPARE(result->image().layers[1].diffId, parent->image().layers[1].diffId);
        // History: one entry per layer, the new one last.
        QCOMPARE(result->image().layers.back().createdBy, std::string("layerscope scratch commit"));

        // Its merged view is the edited work folder.
        const index::TreeIndex merged = image::mergedView(*result, true);
        QCOMPARE(joined(contentDifferences(merged, scanWork(work))), std::string());

        // Outputs are never replaced without overwrite.
        QVERIFY_THROWS_EXCEPTION(Error, backend->commit(work, request, Progress::none()));
        request.overwrite = true;
        backend->commit(work, request, Progress::none());

        backend->discard(work, Progress::none());
        QVERIFY(!fs::exists(work));
    }

    // Compared with its source, an edited image shows the edits as unexpected and nothing else: the parent folders'
    // new times and the Hives entry the commit writes are explained by named rules (issue 16).
    void comparingAnEditWithItsSourceFlagsOnlyTheEdits()
    {
        QTemporaryDir tmp;
        SKIP_UNLESS_SYMLINKS_IN(fs::path(tmp.path().toStdString())); // the merged view holds links
        const fs::path root = tmp.path().toStdString();
        const fs::path work = root / "work";
        auto backend = createPortableBackend();
        backend->prepare({imageFixture("oci-layout"), {}, false, work, {}}, Progress::none());
        writeText(work / "Windows" / "System32" / "added.dll", "added into a base folder\n");
        writeText(work / "NewDir" / "a.txt", "modified delta file\n");
        fs::remove(work / "Windows" / "old.log");
        // Folder times as an editor leaves them: touched by the edits inside.
        const auto later = fs::last_write_time(work / "Windows") + std::chrono::hours(24);
        for (const fs::path& dir : {work / "Windows", work / "Windows" / "System32", work / "NewDir"})
            fs::last_write_time(dir, later);
        CommitRequest request;
        request.layerOut = root / "layer.tar.gz";
        request.imageOut = root / "new-image";
        backend->commit(work, request, Progress::none());

        auto before = image::ImageSource::open(imageFixture("oci-layout"));
        auto after = image::ImageSource::open(root / "new-image");
        const index::TreeIndex a = image::mergedView(*before, true);
        const index::TreeIndex b = image::mergedView(*after, true);
        const diff::DiffResult result = diff::TreeDiff::compare({"source", "", &a, diff::DiffSide::Kind::Merged, true},
                                                                {"edited", "", &b, diff::DiffSide::Kind::Merged, true},
                                                                diff::DiffRules::builtin());
        std::set<std::string> unexpected;
        std::map<std::string, std::set<std::string>> explainedBy; // every rule that explains a part of the change
        std::string described; // every change, for the failure message
        for (const auto& change : result.changes()) {
            const std::string path = result.path(change);
            described += path + ":";
            for (const auto field : change.fields.list())
                described += std::string(" ") + diff::fieldName(field);
            described += change.expected ? " (expected)\n" : " (UNEXPECTED)\n";
            if (!change.expected)
                unexpected.insert(path);
            for (const uint16_t rule : result.rulesOf(change))
                explainedBy[path].insert(result.rules()[rule].name());
        }
        qInfo("%s", described.c_str());
        const std::set<std::string> edits
            = {"Files/NewDir/a.txt", "Files/Windows/old.log", "Files/Windows/System32/added.dll"};
        QCOMPARE(unexpected, edits);
        for (const char* folder : {"Files/Windows", "Files/Windows/System32", "Files/NewDir"})
            QVERIFY2(explainedBy[folder].count("folder-times-follow-contents"), folder);
        QVERIFY(explainedBy["Hives"].count("hives-dir-metadata"));
        // A folder whose entries did not change keeps its time unexplained: the rule looks at the contents.
        QVERIFY(!explainedBy["Files"].count("folder-times-follow-contents"));

        // Without the rules, the folders and Hives are flagged: the rules are what explains them.
        const diff::DiffResult strict
            = diff::TreeDiff::compare({"source", "", &a, diff::DiffSide::Kind::Merged, true},
                                      {"edited", "", &b, diff::DiffSide::Kind::Merged, true}, diff::DiffRules::none());
        QVERIFY(strict.summary().unexpected > edits.size());
    }

    void aLayerBlobIsAChainOfOne()
    {
        // A single layer blob has no config: the new image gets a minimal Windows one with both diff_ids.
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        auto backend = createPortableBackend();
        backend->prepare({testsupport::fixture("base.tar.gz"), {}, false, root / "work", {}}, Progress::none());
        QVERIFY(fs::is_regular_file(root / "work" / u8"日本語.txt"));
        writeText(root / "work" / u8"日本語.txt", "edited\n");
        CommitRequest request;
        request.layerOut = root / "delta.tar";
        request.imageOut = root / "image";
        const CommitResult result = backend->commit(root / "work", request, Progress::none());
        auto img = image::ImageSource::open(root / "image");
        QCOMPARE(img->image().layers.size(), size_t(2));
        QCOMPARE(img->image().os, std::string("windows"));
        QCOMPARE(img->image().layers[1].diffId, result.diffId);
        const image::Analysis analysis = image::analyzeImage(*img, {.strict = false});
        QCOMPARE(analysis.findings.size(), size_t(0));
    }

    // A caller's own temporary layer file (squash's staged layer) is taken by a rename, not copied, when it says so:
    // a hard link made beforehand is the OCI blob afterwards, and the file is gone from where it was. A docker
    // archive's staging takes it the same way (a plain tar). Without the permission the caller keeps its file.
    void appendTakesTheCallersLayerByRename_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("layer");
        QTest::addColumn<bool>("movable");
        QTest::newRow("OCI, movable") << int(baselayer::OutputFormat::Oci) << "base.tar.gz" << true;
        QTest::newRow("OCI, the caller's") << int(baselayer::OutputFormat::Oci) << "base.tar.gz" << false;
        QTest::newRow("docker archive, movable") << int(baselayer::OutputFormat::DockerArchive) << "base.tar" << true;
    }
    void appendTakesTheCallersLayerByRename()
    {
        QFETCH(int, format);
        QFETCH(QString, layer);
        QFETCH(bool, movable);
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        const fs::path staged = root / "staged.layer";
        fs::copy_file(testsupport::fixture(layer.toStdString()), staged);
        fs::create_hard_link(staged, root / "witness");
        const std::string digest = toDigestString(Sha256::of(testsupport::readAll(staged)));

        AppendOptions options;
        options.format = baselayer::OutputFormat(format);
        if (movable)
            options.movableLayerDigest = digest;
        if (options.format == baselayer::OutputFormat::DockerArchive)
            options.layerDiffId = digest; // a plain tar: its digest is its diff_id
        const AppendResult result = appendLayer(imageFixture("oci-layout"), staged, root / "out", options);
        QCOMPARE(fs::exists(staged), !movable);
        QCOMPARE(result.layerDigest, digest);
        if (options.format == baselayer::OutputFormat::Oci) {
            const fs::path blob = root / "out" / "blobs" / "sha256" / digestHex(digest);
            QCOMPARE(fs::equivalent(blob, root / "witness"), movable);
        }
        auto img = image::ImageSource::open(root / "out");
        QCOMPARE(img->image().layers.back().diffId, result.diffId);
        const image::Analysis analysis = image::analyzeImage(*img, {.strict = false});
        QCOMPARE(analysis.findings.size(), size_t(0));
    }

    void anAbsentForeignLayerIsNamed()
    {
        QTemporaryDir tmp;
        try {
            createPortableBackend()->prepare(
                {imageFixture("oci-foreign"), {}, false, fs::path(tmp.path().toStdString()) / "work", {}},
                Progress::none());
            QFAIL("prepared over a layer that is not there");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("foreign") != std::string::npos, e.what());
        }
        QVERIFY(fs::is_empty(tmp.path().toStdString()));
    }

    void statusSeesTouchAndTypeChanges()
    {
        QTemporaryDir tmp;
        const fs::path work = fs::path(tmp.path().toStdString()) / "work";
        auto backend = createPortableBackend();
        backend->prepare({imageFixture("oci-layout"), {}, false, work, {}}, Progress::none());
        // Same content, new time: a modification (of the time).
        fs::last_write_time(work / "Program Files" / "App" / "License.txt",
                            fs::last_write_time(work / "Program Files" / "App" / "License.txt")
                                + std::chrono::hours(1));
        // A file replaced by a folder of the same name.
        fs::remove(work / "Windows" / "empty.txt");
        fs::create_directory(work / "Windows" / "empty.txt");
        const ScratchStatus status = backend->status(work, Progress::none());
        QCOMPARE(status.modified, uint64_t(2));
        QCOMPARE(status.changes.size(), size_t(2));
        QCOMPARE(status.changes[0].path, std::string("Files/Program Files/App/License.txt"));
        QCOMPARE(status.changes[0].fields, std::vector<std::string>({"modified"}));
        QCOMPARE(status.changes[1].path, std::string("Files/Windows/empty.txt"));
        QVERIFY(std::find(status.changes[1].fields.begin(), status.changes[1].fields.end(), "type")
                != status.changes[1].fields.end());
    }

    void commitRefusesNamesWindowsCannotHold()
    {
        QTemporaryDir tmp;
        const fs::path work = fs::path(tmp.path().toStdString()) / "work";
        auto backend = createPortableBackend();
        backend->prepare({imageFixture("oci-layout"), {}, false, work, {}}, Progress::none());
        // Windows itself will not make a file named after a device (writing aux.txt there reaches the AUX device), so
        // that name is only expected where the folder could hold it.
        try {
            writeText(work / "aux.txt", "device name\n");
        } catch (const std::exception&) { }
        bool deviceNameHeld = false;
        for (const auto& entry : fs::directory_iterator(work))
            deviceNameHeld |= entry.path().filename() == "aux.txt";
        writeText(work / ".wh.sneaky", "whiteout name\n");
        const fs::path out = fs::path(tmp.path().toStdString()) / "layer.tar";
        try {
            backend->commit(work, {out, {}, baselayer::OutputFormat::Oci, false, "t", {}}, Progress::none());
            QFAIL("commit accepted names Windows cannot hold");
        } catch (const Error& e) {
            if (deviceNameHeld)
                QVERIFY2(std::string(e.what()).find("aux.txt") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find(".wh.sneaky") != std::string::npos, e.what());
        }
        QVERIFY(!fs::exists(out));
    }

    void parentlessScratchCommitsABaseLayer()
    {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        const fs::path work = root / "work";
        auto backend = createPortableBackend();
        backend->prepare({{}, {}, true, work, {}}, Progress::none());
        QCOMPARE(listing(work),
                 std::set<std::string>({".layerscope", ".layerscope/baseline.json", ".layerscope/session.json"}));
        fs::create_directories(work / "app");
        writeText(work / "app" / "hello.txt", "hello\n");
        QCOMPARE(backend->status(work, Progress::none()).added, uint64_t(2));
        CommitRequest request;
        request.layerOut = root / "base.tar";
        request.imageOut = root / "base-image";
        const CommitResult result = backend->commit(work, request, Progress::none());
        QVERIFY(result.baseLayer);
        const index::LayerScan scan = index::scanLayerFile(root / "base.tar");
        QCOMPARE(scan.layout, wcow::Layout::WindowsBase);
        QVERIFY(scan.index.find("Files/app/hello.txt") != index::InvalidNode);
        QVERIFY(scan.index.find("Files/Windows/System32/config/SYSTEM") != index::InvalidNode);
        for (const auto& r : scan.index.records())
            QVERIFY(!scan.index.path(r.node).starts_with("Files/.layerscope"));
        auto img = image::ImageSource::open(root / "base-image");
        QCOMPARE(img->image().layers.size(), size_t(1));
        QVERIFY(!image::analyzeImage(*img, {.strict = false}).hasErrors());
    }

    void hostileLayersAreRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("word");
        const auto bytes = testsupport::readAll(testsupport::fixture("scratch/hostile.json"));
        const auto index = nlohmann::json::parse(bytes.begin(), bytes.end());
        QVERIFY(index.size() >= 10);
        for (const auto& [name, info] : index.items())
            QTest::newRow(name.c_str()) << QString::fromStdString(name)
                                        << QString::fromStdString(info["errorContains"].get<std::string>());
    }
    void hostileLayersAreRefused()
    {
        QFETCH(QString, name);
        QFETCH(QString, word);
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        fs::create_directory(root / "outside");
        writeText(root / "outside" / "sentinel.txt", "sentinel\n");
        const auto sentinelTime = fs::last_write_time(root / "outside" / "sentinel.txt");
        const std::set<std::string> before = listing(root);

        const fs::path layer = testsupport::fixture("scratch/hostile/" + name.toStdString() + ".tar");
        try {
            createPortableBackend()->prepare({layer, {}, false, root / "work", {}}, Progress::none());
            QFAIL("a hostile layer was materialised");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find(word.toStdString()) != std::string::npos, e.what());
        }
        QCOMPARE(listing(root), before); // no work folder, no staging folder, nothing new outside
        QCOMPARE(testsupport::readAll(root / "outside" / "sentinel.txt"),
                 std::vector<uint8_t>({'s', 'e', 'n', 't', 'i', 'n', 'e', 'l', '\n'}));
        QVERIFY(fs::last_write_time(root / "outside" / "sentinel.txt") == sentinelTime);
        QCOMPARE(fs::hard_link_count(root / "outside" / "sentinel.txt"), uintmax_t(1));
        QVERIFY(!fs::exists("/tmp/layerscope-scratch-escape-absolute.txt"));
        QVERIFY(!fs::exists("/tmp/layerscope-scratch-escape"));
    }

    void cancelledPrepareLeavesNothing_data()
    {
        // Cancel points as fractions of all the progress calls a full prepare makes: at once, while applying
        // layers, and at the very end (hashing the baseline, just before the rename).
        QTest::addColumn<double>("at");
        QTest::newRow("at once") << 0.0;
        QTest::newRow("while applying layers") << 0.2;
        QTest::newRow("after the last layer") << 0.9;
        QTest::newRow("at the last call") << 1.0;
    }
    void cancelledPrepareLeavesNothing()
    {
        QFETCH(double, at);
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        CancelAfter counter(1 << 30);
        createPortableBackend()->prepare({imageFixture("oci-layout"), {}, false, root / "count", {}}, counter);
        const int calls = (1 << 30) - counter.m_left;
        QVERIFY(calls > 10);
        createPortableBackend()->discard(root / "count", Progress::none());

        CancelAfter cancel(int(calls * at));
        QVERIFY_THROWS_EXCEPTION(
            Cancelled,
            createPortableBackend()->prepare({imageFixture("oci-layout"), {}, false, root / "work", {}}, cancel));
        QVERIFY(fs::is_empty(root));
    }

    void cancelledCommitWritesNothing()
    {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        auto backend = createPortableBackend();
        backend->prepare({imageFixture("oci-layout"), {}, false, root / "work", {}}, Progress::none());
        writeText(root / "work" / "x.txt", "x\n");
        CancelAfter cancel(2);
        CommitRequest request;
        request.layerOut = root / "layer.tar";
        request.imageOut = root / "image";
        QVERIFY_THROWS_EXCEPTION(Cancelled, backend->commit(root / "work", request, cancel));
        // Nothing beside the work folder: no layer, no image, no staging file or folder. (Only the top level is
        // listed: under wine the work folder holds the fixture's symbolic links as entries it cannot stat.)
        for (const auto& e : fs::directory_iterator(root))
            QVERIFY2(e.path().filename() == "work", qPrintable(QString::fromStdWString(e.path().wstring())));
    }

    void discardRefusesFoldersWithoutState()
    {
        QTemporaryDir tmp;
        const fs::path folder = fs::path(tmp.path().toStdString()) / "precious";
        fs::create_directory(folder);
        writeText(folder / "keep.txt", "keep\n");
        QVERIFY_THROWS_EXCEPTION(Error, createPortableBackend()->discard(folder, Progress::none()));
        QVERIFY(fs::exists(folder / "keep.txt"));
        QVERIFY_THROWS_EXCEPTION(Error, openBackend(folder));
        // A work folder must be new: prepare never writes into an existing one.
        QVERIFY_THROWS_EXCEPTION(
            Error,
            createPortableBackend()->prepare({imageFixture("oci-layout"), {}, false, folder, {}}, Progress::none()));
        QCOMPARE(listing(folder), std::set<std::string>({"keep.txt"}));
    }
};

QTEST_GUILESS_MAIN(TestScratch)
#include "tst_scratch.moc"
