// SPDX-License-Identifier: Apache-2.0
#pragma once

// Parsing of PAX record values shared by TarReader and TarWriter (POSIX pax "Extended header keyword
// descriptions"; wcow-layer-format §1.5 for the time format).

#include <cstdint>
#include <string_view>

namespace layerscope::tar::pax {

// Unsigned decimal without sign or spaces, as size/uid/gid records hold.
inline bool parseDecimal(std::string_view text, uint64_t& out)
{
    if (text.empty() || text.size() > 19) // 19 digits always fit 64 bits
        return false;
    uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + uint64_t(c - '0');
    }
    out = value;
    return true;
}

// PAX time: [-]seconds[.fraction], any fraction length. Gives the whole seconds rounded towards negative infinity,
// so that seconds + fraction is the instant (as Go's archive/tar reads it: "-1.5" is 1.5 s before the epoch).
inline bool parseTime(std::string_view text, int64_t& out)
{
    bool negative = false;
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        negative = text[0] == '-';
        text.remove_prefix(1);
    }
    const size_t dot = text.find('.');
    uint64_t seconds = 0;
    if (!parseDecimal(text.substr(0, dot), seconds) || seconds >= uint64_t(INT64_MAX))
        return false;
    bool fractionNonZero = false;
    if (dot != std::string_view::npos) {
        for (const char c : text.substr(dot + 1)) {
            if (c < '0' || c > '9')
                return false;
            fractionNonZero |= c != '0';
        }
    }
    out = negative ? -int64_t(seconds) - (fractionNonZero ? 1 : 0) : int64_t(seconds);
    return true;
}

} // namespace layerscope::tar::pax
