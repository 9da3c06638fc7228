// SPDX-License-Identifier: Apache-2.0
#include "paxtime.h"

#include <chrono>
#include <cstdio>
#include <limits>

namespace layerscope::wcow {

namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Decimal digits only; false on empty input or int64 overflow of the magnitude given the sign.
bool parseDecimal(std::string_view digits, bool negative, int64_t& out)
{
    if (digits.empty())
        return false;
    // Accumulate as a negative number so that INT64_MIN parses.
    int64_t value = 0;
    for (char c : digits) {
        if (!isDigit(c))
            return false;
        const int digit = c - '0';
        if (value < (std::numeric_limits<int64_t>::min() + digit) / 10)
            return false;
        value = value * 10 - digit;
    }
    if (!negative) {
        if (value == std::numeric_limits<int64_t>::min())
            return false;
        value = -value;
    }
    out = value;
    return true;
}

// The fraction digits as nanoseconds: padded or truncated to 9 digits (§1.5). Empty is allowed ("5." is 5 s, as
// in Go, whose ParseInt of an empty fraction is skipped).
bool parseFraction(std::string_view digits, int64_t& nanos)
{
    nanos = 0;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (!isDigit(digits[i]))
            return false;
        if (i < 9)
            nanos = nanos * 10 + (digits[i] - '0');
    }
    for (size_t i = digits.size(); i < 9; ++i)
        nanos *= 10;
    return true;
}

// seconds + nanos/1e9 with nanos possibly negative, normalised into [0, 1e9).
std::optional<PaxTime> normalise(int64_t seconds, int64_t nanos)
{
    if (nanos < 0) {
        if (seconds == std::numeric_limits<int64_t>::min())
            return std::nullopt;
        --seconds;
        nanos += kNanosPerSecond;
    }
    return PaxTime {seconds, static_cast<uint32_t>(nanos)};
}

std::string formatFraction(uint32_t nanos, bool strip)
{
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%09u", nanos);
    std::string out(buffer);
    if (strip)
        while (!out.empty() && out.back() == '0')
            out.pop_back();
    return out;
}

// Floor division that works for negative seconds.
int64_t floorDiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

} // namespace

std::optional<PaxTime> parsePaxTime(std::string_view text)
{
    std::string_view secondsPart = text;
    std::string_view fractionPart;
    bool hasFraction = false;
    if (const auto dot = text.find('.'); dot != std::string_view::npos) {
        secondsPart = text.substr(0, dot);
        fractionPart = text.substr(dot + 1);
        hasFraction = true;
    }
    bool negative = false;
    if (!secondsPart.empty() && (secondsPart.front() == '-' || secondsPart.front() == '+')) {
        negative = secondsPart.front() == '-';
        secondsPart.remove_prefix(1);
    }
    int64_t seconds = 0;
    if (!parseDecimal(secondsPart, negative, seconds))
        return std::nullopt;
    int64_t nanos = 0;
    if (hasFraction && !parseFraction(fractionPart, nanos))
        return std::nullopt;
    // Go applies the sign of the text to the fraction too: "-1.5" = Unix(-1, -5e8). Checking the text, not the
    // value, keeps "-0.5" negative.
    return normalise(seconds, negative ? -nanos : nanos);
}

std::string formatPaxTime(const PaxTime& time)
{
    if (time.nanoseconds == 0)
        return std::to_string(time.seconds);
    if (time.seconds < 0) {
        // {-2, 5e8} is -1.5 s: one sign, magnitude (-(s + 1)).(1e9 - ns).
        const uint64_t whole = static_cast<uint64_t>(-(time.seconds + 1));
        std::string out(1, '-');
        out += std::to_string(whole);
        out += '.';
        out += formatFraction(static_cast<uint32_t>(kNanosPerSecond - time.nanoseconds), true);
        return out;
    }
    return std::to_string(time.seconds) + "." + formatFraction(time.nanoseconds, true);
}

std::string formatRfc3339(const PaxTime& time)
{
    using namespace std::chrono;
    const int64_t days = floorDiv(time.seconds, 86400);
    // std::chrono::year covers -32767..32767; 12'000'000 days is comfortably inside that. Checked before anything
    // is multiplied back: days * 86400 overflows int64 for times near its ends.
    if (days < -12'000'000 || days > 11'000'000)
        return formatPaxTime(time);
    const int64_t secondOfDay = time.seconds - days * 86400;
    const year_month_day date {sys_days {std::chrono::days {days}}};
    const int year = static_cast<int>(date.year());
    if (year >= 0 && year <= 9999 && time.nanoseconds < kNanosPerSecond) {
        // Digit by digit: listings format four times for each of a million entries, and snprintf costs several
        // times more.
        char text[] = "0000-00-00T00:00:00.000000000Z";
        const auto put = [&](size_t at, uint64_t value, size_t digits) {
            for (size_t i = digits; i-- > 0; value /= 10)
                text[at + i] = char('0' + value % 10);
        };
        put(0, uint64_t(year), 4);
        put(5, static_cast<unsigned>(date.month()), 2);
        put(8, static_cast<unsigned>(date.day()), 2);
        put(11, uint64_t(secondOfDay / 3600), 2);
        put(14, uint64_t(secondOfDay / 60 % 60), 2);
        put(17, uint64_t(secondOfDay % 60), 2);
        put(20, time.nanoseconds, 9);
        return std::string(text, sizeof text - 1);
    }
    char yearText[16];
    if (year >= 0 && year <= 9999)
        std::snprintf(yearText, sizeof yearText, "%04d", year);
    else
        std::snprintf(yearText, sizeof yearText, "%+05d", year);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s-%02u-%02uT%02d:%02d:%02d.%sZ", yearText,
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(secondOfDay / 3600), static_cast<int>(secondOfDay / 60 % 60),
                  static_cast<int>(secondOfDay % 60), formatFraction(time.nanoseconds, false).c_str());
    return buffer;
}

std::optional<PaxTime> parseRfc3339(std::string_view text)
{
    using namespace std::chrono;
    size_t pos = 0;
    const auto number = [&](size_t width, int& out) {
        if (pos + width > text.size())
            return false;
        int value = 0;
        for (size_t i = 0; i < width; ++i) {
            if (!isDigit(text[pos + i]))
                return false;
            value = value * 10 + (text[pos + i] - '0');
        }
        out = value;
        pos += width;
        return true;
    };
    const auto expect = [&](char c) {
        if (pos < text.size() && text[pos] == c) {
            ++pos;
            return true;
        }
        return false;
    };

    int yearValue = 0;
    bool negativeYear = false;
    if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) {
        // Signed years as formatRfc3339 writes them: 4 or 5 digits.
        negativeYear = text[pos] == '-';
        ++pos;
        const size_t dash = text.find('-', pos);
        if (dash == std::string_view::npos || dash - pos < 4 || dash - pos > 5)
            return std::nullopt;
        if (!number(dash - pos, yearValue))
            return std::nullopt;
        if (negativeYear)
            yearValue = -yearValue;
    } else if (!number(4, yearValue)) {
        return std::nullopt;
    }
    int monthValue = 0, dayValue = 0, hour = 0, minute = 0, second = 0;
    if (!expect('-') || !number(2, monthValue) || !expect('-') || !number(2, dayValue))
        return std::nullopt;
    if (!(expect('T') || expect('t') || expect(' ')))
        return std::nullopt;
    if (!number(2, hour) || !expect(':') || !number(2, minute) || !expect(':') || !number(2, second))
        return std::nullopt;
    // RFC 3339 allows second 60 (a leap second); a PAX time cannot represent it, so it is rejected.
    if (hour > 23 || minute > 59 || second > 59)
        return std::nullopt;
    int64_t nanos = 0;
    if (expect('.')) {
        const size_t start = pos;
        while (pos < text.size() && isDigit(text[pos]))
            ++pos;
        if (pos == start || !parseFraction(text.substr(start, pos - start), nanos))
            return std::nullopt;
    }
    int64_t offsetSeconds = 0;
    if (expect('Z') || expect('z')) {
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        const bool minus = text[pos] == '-';
        ++pos;
        int offsetHours = 0, offsetMinutes = 0;
        if (!number(2, offsetHours) || !expect(':') || !number(2, offsetMinutes) || offsetHours > 23
            || offsetMinutes > 59)
            return std::nullopt;
        offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (minus ? -1 : 1);
    } else {
        return std::nullopt;
    }
    if (pos != text.size())
        return std::nullopt;

    const year_month_day date {year {yearValue}, month {static_cast<unsigned>(monthValue)},
                               day {static_cast<unsigned>(dayValue)}};
    if (!date.ok())
        return std::nullopt;
    const int64_t days = sys_days {date}.time_since_epoch().count();
    const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
    return PaxTime {seconds, static_cast<uint32_t>(nanos)};
}

std::optional<uint64_t> toFiletime(const PaxTime& time)
{
    // Work in seconds first to keep every intermediate inside int64.
    constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / 10'000'000 - kFiletimeEpochOffsetSeconds;
    if (time.seconds < -kFiletimeEpochOffsetSeconds || time.seconds > kMaxSeconds)
        return std::nullopt;
    const uint64_t since1601 = static_cast<uint64_t>(time.seconds + kFiletimeEpochOffsetSeconds);
    constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (since1601 > kMax / 10'000'000)
        return std::nullopt;
    const uint64_t ticks = since1601 * 10'000'000 + time.nanoseconds / 100;
    if (ticks > kMax)
        return std::nullopt;
    return ticks;
}

PaxTime fromFiletime(uint64_t filetime)
{
    const uint64_t seconds = filetime / 10'000'000;
    const uint32_t nanos = static_cast<uint32_t>(filetime % 10'000'000) * 100;
    return PaxTime {static_cast<int64_t>(seconds) - kFiletimeEpochOffsetSeconds, nanos};
}

} // namespace layerscope::wcow
