// SPDX-License-Identifier: Apache-2.0
#include "common/asyncsha256.h"
#include "common/base64.h"
#include "common/error.h"
#include "common/sha256.h"

#include <QtTest>

using namespace layerscope;

class TestCommon : public QObject
{
    Q_OBJECT

private slots:
    void base64RoundTripsEveryLength()
    {
        std::vector<uint8_t> bytes;
        for (int n = 0; n < 40; ++n) {
            const std::string text = base64Encode(bytes);
            QCOMPARE(text.size() % 4, size_t(0));
            const auto back = base64Decode(text);
            QVERIFY(back);
            QCOMPARE(*back, bytes);
            bytes.push_back(uint8_t(n * 37 + 1));
        }
    }

    void base64RejectsMalformedText_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("bad length") << "QUJD=";
        QTest::newRow("bad character") << "QU*D";
        QTest::newRow("padding in the middle") << "QQ==QUJD";
        QTest::newRow("whitespace") << "QUJD QUJD";
    }
    void base64RejectsMalformedText()
    {
        QFETCH(QString, text);
        QVERIFY(!base64Decode(text.toStdString()));
    }

    void sha256MatchesKnownVector()
    {
        QCOMPARE(toHex(Sha256::of(std::string("abc"))),
                 std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        Sha256 incremental;
        incremental.update("a", 1);
        incremental.update("bc", 2);
        QCOMPARE(incremental.finish(), Sha256::of(std::string("abc")));
    }

    void asyncSha256MatchesTheDirectHashWhateverTheChunking_data()
    {
        QTest::addColumn<int>("total");
        QTest::addColumn<int>("chunk");
        QTest::newRow("empty") << 0 << 1;
        QTest::newRow("less than a buffer") << 1000 << 7;
        QTest::newRow("exactly one buffer") << 4096 << 4096;
        QTest::newRow("many buffers, odd chunks") << 100000 << 333;
        QTest::newRow("chunks larger than a buffer") << 100000 << 50000;
    }
    void asyncSha256MatchesTheDirectHashWhateverTheChunking()
    {
        QFETCH(int, total);
        QFETCH(int, chunk);
        std::vector<uint8_t> bytes(static_cast<size_t>(total));
        for (size_t i = 0; i < bytes.size(); ++i)
            bytes[i] = uint8_t(i * 131 + (i >> 8));
        AsyncSha256 async(4096, 2); // small buffers so that the queue fills and the caller has to wait
        for (size_t at = 0; at < bytes.size(); at += size_t(chunk))
            async.update(bytes.data() + at, std::min(size_t(chunk), bytes.size() - at));
        QCOMPARE(async.finish(), Sha256::of(bytes));
    }

    void errorNamesFileEntryAndOffset()
    {
        const Error error({"base.tar.gz", 4711, "Files/x.dll", 10485760}, "PAX record too long");
        QCOMPARE(std::string(error.what()),
                 std::string("base.tar.gz: entry 4711 \"Files/x.dll\" at byte 10485760: PAX record too long"));
        QCOMPARE(std::string(Error("plain").withFile("a.tar").what()), std::string("a.tar: plain"));
    }
};

QTEST_GUILESS_MAIN(TestCommon)
#include "tst_common.moc"
