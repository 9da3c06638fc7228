// SPDX-License-Identifier: Apache-2.0
// PAX time, RFC 3339 and FILETIME conversions (wcow-layer-format §1.5).
#include "testsupport.h"
#include "wcow/paxtime.h"

#include <QtTest>

using namespace layerscope::wcow;

Q_DECLARE_METATYPE(PaxTime)

namespace {
PaxTime pax(int64_t s, uint32_t ns)
{
    return PaxTime {s, ns};
}
} // namespace

class TestWcowPaxTime : public QObject
{
    Q_OBJECT

private slots:
    void parsesPaxTimesLikeGo_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<PaxTime>("expected");
        QTest::newRow("zero") << "0" << pax(0, 0);
        QTest::newRow("integer") << "1700000000" << pax(1700000000, 0);
        QTest::newRow("half") << "1.5" << pax(1, 500000000);
        QTest::newRow("one fraction digit padded") << "1.1" << pax(1, 100000000);
        QTest::newRow("seven FILETIME digits") << "1700000000.1234567" << pax(1700000000, 123456700);
        QTest::newRow("nine digits") << "1.123456789" << pax(1, 123456789);
        QTest::newRow("long fraction truncated") << "1.123456789999" << pax(1, 123456789);
        QTest::newRow("negative integer") << "-1" << pax(-1, 0);
        QTest::newRow("negative fraction: sign covers fraction") << "-1.5" << pax(-2, 500000000);
        QTest::newRow("negative below one second") << "-0.5" << pax(-1, 500000000);
        QTest::newRow("negative tiny") << "-0.000000001" << pax(-1, 999999999);
        QTest::newRow("explicit plus") << "+5" << pax(5, 0);
        QTest::newRow("empty fraction") << "5." << pax(5, 0);
        QTest::newRow("leading zeros") << "007.50" << pax(7, 500000000);
        QTest::newRow("int64 min") << "-9223372036854775808" << pax(std::numeric_limits<int64_t>::min(), 0);
        QTest::newRow("int64 max") << "9223372036854775807" << pax(std::numeric_limits<int64_t>::max(), 0);
    }
    void parsesPaxTimesLikeGo()
    {
        QFETCH(QString, text);
        QFETCH(PaxTime, expected);
        const auto parsed = parsePaxTime(text.toStdString());
        QVERIFY(parsed);
        QCOMPARE(parsed->seconds, expected.seconds);
        QCOMPARE(parsed->nanoseconds, expected.nanoseconds);
    }

    void rejectsMalformedPaxTimes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << "";
        QTest::newRow("fraction only") << ".5";
        QTest::newRow("sign only") << "-";
        QTest::newRow("letters") << "abc";
        QTest::newRow("trailing garbage") << "1.5a";
        QTest::newRow("two dots") << "1..5";
        QTest::newRow("signed fraction") << "1.-5";
        QTest::newRow("leading space") << " 1";
        QTest::newRow("double sign") << "--1";
        QTest::newRow("overflow") << "9223372036854775808";
        QTest::newRow("underflow after fraction") << "-9223372036854775808.5";
        QTest::newRow("hex") << "0x10";
    }
    void rejectsMalformedPaxTimes()
    {
        QFETCH(QString, text);
        QVERIFY(!parsePaxTime(text.toStdString()));
    }

    void formatsPaxTimesLikeGo_data()
    {
        QTest::addColumn<PaxTime>("time");
        QTest::addColumn<QString>("expected");
        QTest::newRow("zero") << pax(0, 0) << "0";
        QTest::newRow("integer when nanoseconds are 0") << pax(1700000000, 0) << "1700000000";
        QTest::newRow("trailing zeros stripped") << pax(1, 500000000) << "1.5";
        QTest::newRow("100 ns") << pax(1, 100) << "1.0000001";
        QTest::newRow("FILETIME precision") << pax(1700000000, 123456700) << "1700000000.1234567";
        QTest::newRow("all nine digits") << pax(1, 123456789) << "1.123456789";
        QTest::newRow("negative integer") << pax(-1, 0) << "-1";
        QTest::newRow("negative with fraction") << pax(-2, 500000000) << "-1.5";
        QTest::newRow("negative below one second") << pax(-1, 500000000) << "-0.5";
        QTest::newRow("negative FILETIME precision") << pax(-11644473600, 100) << "-11644473599.9999999";
    }
    void formatsPaxTimesLikeGo()
    {
        QFETCH(PaxTime, time);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(formatPaxTime(time)), expected);
        // Whatever we write reads back to the same instant.
        const auto back = parsePaxTime(formatPaxTime(time));
        QVERIFY(back);
        QCOMPARE(*back, time);
    }

    void formatsRfc3339WithNineFractionDigits_data()
    {
        QTest::addColumn<PaxTime>("time");
        QTest::addColumn<QString>("expected");
        QTest::newRow("epoch") << pax(0, 0) << "1970-01-01T00:00:00.000000000Z";
        QTest::newRow("brief example") << pax(1704164645, 123456700) << "2024-01-02T03:04:05.123456700Z";
        QTest::newRow("leap day") << pax(951868799, 999999999) << "2000-02-29T23:59:59.999999999Z";
        QTest::newRow("one second before the epoch") << pax(-1, 0) << "1969-12-31T23:59:59.000000000Z";
        QTest::newRow("-1.5 s") << pax(-2, 500000000) << "1969-12-31T23:59:58.500000000Z";
        QTest::newRow("FILETIME epoch") << pax(-11644473600, 0) << "1601-01-01T00:00:00.000000000Z";
        QTest::newRow("year 1") << pax(-62135596800, 0) << "0001-01-01T00:00:00.000000000Z";
        QTest::newRow("last second of 9999") << pax(253402300799, 0) << "9999-12-31T23:59:59.000000000Z";
        QTest::newRow("year 10000 gets a sign") << pax(253402300800, 0) << "+10000-01-01T00:00:00.000000000Z";
        QTest::newRow("year -1") << pax(-62198755200, 0) << "-0001-01-01T00:00:00.000000000Z";
    }
    void formatsRfc3339WithNineFractionDigits()
    {
        QFETCH(PaxTime, time);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(formatRfc3339(time)), expected);
        const auto back = parseRfc3339(expected.toStdString());
        QVERIFY(back);
        QCOMPARE(*back, time);
    }

    void fallsBackToPaxFormOutsideTheCalendar()
    {
        const PaxTime far {std::numeric_limits<int64_t>::max(), 0};
        QCOMPARE(formatRfc3339(far), formatPaxTime(far));
        // Sanitizer finding (tests/fuzz/regressions/paxvalues): near int64's lower end the day count times 86400
        // overflowed before the range check.
        const PaxTime early {std::numeric_limits<int64_t>::min(), 0};
        QCOMPARE(formatRfc3339(early), formatPaxTime(early));
        const auto parsed = parsePaxTime("-9223372036854775807.999999999");
        QVERIFY(parsed);
        QCOMPARE(formatRfc3339(*parsed), formatPaxTime(*parsed));
    }

    void parsesRfc3339Variants_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<PaxTime>("expected");
        QTest::newRow("no fraction") << "2024-01-02T03:04:05Z" << pax(1704164645, 0);
        QTest::newRow("short fraction") << "2024-01-02T03:04:05.5Z" << pax(1704164645, 500000000);
        QTest::newRow("long fraction truncated") << "2024-01-02T03:04:05.1234567891Z" << pax(1704164645, 123456789);
        QTest::newRow("lower case") << "2024-01-02t03:04:05z" << pax(1704164645, 0);
        QTest::newRow("positive offset") << "2024-01-02T04:04:05+01:00" << pax(1704164645, 0);
        QTest::newRow("negative offset") << "2024-01-01T22:34:05-04:30" << pax(1704164645, 0);
    }
    void parsesRfc3339Variants()
    {
        QFETCH(QString, text);
        QFETCH(PaxTime, expected);
        const auto parsed = parseRfc3339(text.toStdString());
        QVERIFY(parsed);
        QCOMPARE(*parsed, expected);
    }

    void rejectsMalformedRfc3339_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << "";
        QTest::newRow("no zone") << "2024-01-02T03:04:05";
        QTest::newRow("February 30th") << "2024-02-30T00:00:00Z";
        QTest::newRow("February 29th in a common year") << "2023-02-29T00:00:00Z";
        QTest::newRow("month 13") << "2024-13-01T00:00:00Z";
        QTest::newRow("hour 24") << "2024-01-02T24:00:00Z";
        QTest::newRow("leap second") << "2016-12-31T23:59:60Z";
        QTest::newRow("empty fraction") << "2024-01-02T03:04:05.Z";
        QTest::newRow("trailing garbage") << "2024-01-02T03:04:05Zx";
        QTest::newRow("two-digit year") << "24-01-02T03:04:05Z";
        QTest::newRow("date only") << "2024-01-02";
    }
    void rejectsMalformedRfc3339()
    {
        QFETCH(QString, text);
        QVERIFY(!parseRfc3339(text.toStdString()));
    }

    void convertsFiletime_data()
    {
        QTest::addColumn<PaxTime>("time");
        QTest::addColumn<quint64>("filetime");
        QTest::newRow("FILETIME epoch") << pax(-11644473600, 0) << quint64(0);
        QTest::newRow("Unix epoch") << pax(0, 0) << quint64(116444736000000000ull);
        QTest::newRow("100 ns after the Unix epoch") << pax(0, 100) << quint64(116444736000000001ull);
        QTest::newRow("half a second before the Unix epoch") << pax(-1, 500000000) << quint64(116444735995000000ull);
        QTest::newRow("2024 with 7 digits") << pax(1704164645, 123456700) << quint64(133486382451234567ull);
    }
    void convertsFiletime()
    {
        QFETCH(PaxTime, time);
        QFETCH(quint64, filetime);
        QCOMPARE(toFiletime(time), std::optional<uint64_t>(filetime));
        QCOMPARE(fromFiletime(filetime), time);
    }

    void filetimeDropsSubHundredNanoseconds()
    {
        // FILETIME has 100 ns resolution (§1.5): the two last digits of nine cannot survive.
        QCOMPARE(toFiletime(pax(0, 199)), std::optional<uint64_t>(116444736000000001ull));
        QCOMPARE(toFiletime(pax(-1, 999999999)), std::optional<uint64_t>(116444735999999999ull));
        // A seven-digit PAX fraction survives PAX -> FILETIME -> PAX exactly.
        const auto parsed = parsePaxTime("1700000000.1234567");
        QVERIFY(parsed);
        QCOMPARE(formatPaxTime(fromFiletime(*toFiletime(*parsed))), std::string("1700000000.1234567"));
    }

    void filetimeRejectsUnrepresentableTimes()
    {
        QVERIFY(!toFiletime(pax(-11644473601, 999999999)));
        QVERIFY(!toFiletime(pax(std::numeric_limits<int64_t>::max(), 0)));
        QVERIFY(!toFiletime(pax(std::numeric_limits<int64_t>::min(), 0)));
        // The largest FILETIME that fits int64 still converts.
        const PaxTime last = fromFiletime(uint64_t(std::numeric_limits<int64_t>::max()));
        QCOMPARE(toFiletime(last), std::optional<uint64_t>(uint64_t(std::numeric_limits<int64_t>::max())));
    }
};

QTEST_GUILESS_MAIN(TestWcowPaxTime)
#include "tst_wcowpaxtime.moc"
