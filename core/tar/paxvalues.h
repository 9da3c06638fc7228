// SPDX-License-Identifier: Apache-2.0
#pragma once

// Parsing of PAX record values shared by TarReader and TarWriter (POSIX pax "Extended header keyword
// descriptions"; wcow-layer-format §1.5 for the time format). The rules are those of Go's archive/tar, which
// every Windows importer reads layers with (§1.1): numbers are what strconv.ParseInt(text, 10, 64) accepts.

#include <cstdint>
#include <string_view>

namespace layerscope::tar::pax {

// A signed decimal as Go reads size, uid and gid records: an optional '+' or '-', then one or more digits (any
// number of leading zeros: "000999" is 999), within the int64 range.
inline bool parseInteger(std::string_view text, int64_t& out)
{
    bool negative = false;
    if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
        negative = text[0] == '-';
        text.remove_prefix(1);
    }
    if (text.empty())
        return false;
    const uint64_t limit = negative ? uint64_t(INT64_MAX) + 1 : uint64_t(INT64_MAX);
    uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
        const auto digit = uint64_t(c - '0');
        if (value > (limit - digit) / 10)
            return false;
        value = value * 10 + digit;
    }
    out = !negative ? int64_t(value) : value == limit ? INT64_MIN : -int64_t(value);
    return true;
}

// PAX time: [sign]seconds[.fraction], any fraction length ("5." is 5 s). Gives the whole seconds rounded towards
// negative infinity, so that seconds + fraction is the instant as Go's archive/tar reads it: the sign applies to
// the fraction too ("-1.5" is 1.5 s before the epoch), and only the first nine fraction digits count.
inline bool parseTime(std::string_view text, int64_t& out)
{
    const size_t dot = text.find('.');
    int64_t seconds = 0;
    if (!parseInteger(text.substr(0, dot), seconds))
        return false;
    bool fractionNonZero = false;
    if (dot != std::string_view::npos) {
        const std::string_view fraction = text.substr(dot + 1);
        for (size_t i = 0; i < fraction.size(); ++i) {
            if (fraction[i] < '0' || fraction[i] > '9')
                return false;
            fractionNonZero |= i < 9 && fraction[i] != '0';
        }
    }
    if (text[0] == '-' && fractionNonZero) {
        if (seconds == INT64_MIN)
            return false;
        --seconds;
    }
    out = seconds;
    return true;
}

} // namespace layerscope::tar::pax
