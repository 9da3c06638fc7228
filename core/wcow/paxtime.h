// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "windowsentry.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace layerscope::wcow {

// Seconds between 1601-01-01 (the FILETIME epoch) and 1970-01-01.
inline constexpr int64_t kFiletimeEpochOffsetSeconds = 11644473600;

// Parses a PAX time the way Go's archive/tar (and so go-winio's backuptar) does (wcow-layer-format §1.5): decimal
// seconds with an optional sign, optionally '.' and a fraction of any length, padded or truncated to 9 digits.
// The sign applies to the whole value: "-1.5" is -1.5 s, i.e. {-2, 500000000}. Returns nullopt for anything
// else (empty seconds, non-digits, int64 overflow).
std::optional<PaxTime> parsePaxTime(std::string_view text);

// Formats like Go's formatPAXTime (§1.5): an integer when nanoseconds are 0, else 9 fraction digits with trailing
// zeros stripped; negative values carry one '-' for the whole value ("-1.5").
std::string formatPaxTime(const PaxTime& time);

// RFC 3339 in UTC with all 9 fraction digits: "2024-01-02T03:04:05.123456700Z". Years before 0 or after 9999 are
// not RFC 3339; they are written ISO 8601-style with a sign and at least 4 digits ("-0001-..", "+10000-..").
// Beyond std::chrono's year range (±32767) the PAX form is returned, since no calendar date can be given.
std::string formatRfc3339(const PaxTime& time);

// Parses RFC 3339 ("2024-01-02T03:04:05Z", optional fraction of 1+ digits truncated to nanoseconds, 'T'/'t'/' '
// separator, 'Z'/'z' or a ±hh:mm offset). Also accepts the signed-year form formatRfc3339 writes. Validates the
// calendar date (no February 30th). Returns nullopt when malformed.
std::optional<PaxTime> parseRfc3339(std::string_view text);

// Windows FILETIME: 100 ns intervals since 1601-01-01 UTC. Sub-100 ns digits are dropped (rounded toward the
// past, so that a time and its FILETIME stay in the same 100 ns slot). nullopt before 1601 or past 2^63 - 1.
std::optional<uint64_t> toFiletime(const PaxTime& time);
PaxTime fromFiletime(uint64_t filetime);

} // namespace layerscope::wcow
