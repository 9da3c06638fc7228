// SPDX-License-Identifier: Apache-2.0
// The layout checker's set of names (wcow-layer-format §1.2: names compare case-insensitively on NTFS), checked
// against the obvious reference: a map from foldCase(path) to the first spelling.
#include "testsupport.h"
#include "wcow/casefold.h"
#include "wcow/foldedpathset.h"

#include <QtTest>

#include <map>
#include <random>

using namespace layerscope::wcow;

class TestFoldedPathSet : public QObject
{
    Q_OBJECT

private slots:
    void findsPathsUnderFoldCase_data()
    {
        // Bytes, not QString: invalid UTF-8 must reach the set as it is.
        QTest::addColumn<QByteArray>("added");
        QTest::addColumn<QByteArray>("looked");
        QTest::addColumn<bool>("found");
        QTest::newRow("same") << QByteArray("Files/Windows") << QByteArray("Files/Windows") << true;
        QTest::newRow("ASCII case") << QByteArray("Files/Windows") << QByteArray("FILES/windows") << true;
        QTest::newRow("non-ASCII case") << QByteArray("Files/Документы") << QByteArray("files/ДОКУМЕНТЫ") << true;
        QTest::newRow("accents differ") << QByteArray("Files/résumé") << QByteArray("Files/resume") << false;
        QTest::newRow("a parent is not a path") << QByteArray("Files/Windows") << QByteArray("Files") << false;
        QTest::newRow("a child is not a path") << QByteArray("Files") << QByteArray("Files/Windows") << false;
        QTest::newRow("empty component kept") << QByteArray("a//b") << QByteArray("a/b") << false;
        QTest::newRow("empty component matched") << QByteArray("a//b") << QByteArray("A//B") << true;
        QTest::newRow("stream names") << QByteArray("Files/x.txt:Zone.Identifier")
                                      << QByteArray("FILES/X.TXT:zone.identifier") << true;
        QTest::newRow("invalid UTF-8 stays distinct") << QByteArray("Files/\xff") << QByteArray("Files/\xfe") << false;
        QTest::newRow("longer ASCII name") << QByteArray("Files/ab") << QByteArray("Files/abc") << false;
    }
    void findsPathsUnderFoldCase()
    {
        QFETCH(QByteArray, added);
        QFETCH(QByteArray, looked);
        QFETCH(bool, found);
        FoldedPathSet set;
        const auto [id, inserted] = set.insert(added.toStdString());
        QVERIFY(inserted);
        QCOMPARE(set.find(looked.toStdString()) == id, found);
        QCOMPARE(set.find(looked.toStdString()) == FoldedPathSet::None, !found);
        QCOMPARE(set.insert(looked.toStdString()).second, !found);
    }

    // The first spelling comes back, also when a parent was spelled differently by an earlier path.
    void keepsFirstSpellings()
    {
        FoldedPathSet set;
        const uint32_t a = set.insert("Files/Windows/a.txt").first;
        const uint32_t b = set.insert("FILES/WINDOWS/B.txt").first;
        const uint32_t w = set.insert("files/windows").first;
        QCOMPARE(set.insert("files/windows/A.TXT").first, a);
        QCOMPARE(set.spelling(a), std::string("Files/Windows/a.txt"));
        QCOMPARE(set.spelling(b), std::string("FILES/WINDOWS/B.txt"));
        QCOMPARE(set.spelling(w), std::string("files/windows"));
        QCOMPARE(set.size(), size_t(3));
    }

    // Many random paths over a small alphabet (lots of case collisions, shared prefixes and table growth), compared
    // with a std::map keyed by the folded path.
    void agreesWithAMapOfFoldedPaths()
    {
        std::mt19937 rng(15);
        const std::vector<std::string> parts = {"a", "A", "b", "B", "ä", "Ä", "dir", "DIR", "Dir", "", "x.txt"};
        std::map<std::string, std::pair<uint32_t, std::string>> reference;
        FoldedPathSet set;
        for (int i = 0; i < 20000; ++i) {
            std::string path;
            const int depth = 1 + int(rng() % 4);
            for (int d = 0; d < depth; ++d) {
                if (d > 0)
                    path += '/';
                path += parts[rng() % parts.size()];
            }
            const std::string key = foldCase(path);
            const auto it = reference.find(key);
            const uint32_t found = set.find(path);
            QCOMPARE(found == FoldedPathSet::None, it == reference.end());
            const auto [id, inserted] = set.insert(path);
            QCOMPARE(inserted, it == reference.end());
            if (inserted)
                reference.emplace(key, std::make_pair(id, path));
            else
                QCOMPARE(id, it->second.first);
            QCOMPARE(set.spelling(id), reference.at(key).second);
        }
        QCOMPARE(set.size(), reference.size());
        QVERIFY(set.memoryBytes() > 0);
    }
};

QTEST_GUILESS_MAIN(TestFoldedPathSet)
#include "tst_foldedpathset.moc"
