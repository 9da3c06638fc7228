// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "wcow/windowsentry.h"

#include <QString>

#include <cstdint>
#include <string_view>

namespace layerscope::ui {

// Turning core values into text for views, in one place so that every pane writes sizes and times alike.
class Formatting
{
public:
    static QString fromUtf8(std::string_view text) { return QString::fromUtf8(text.data(), qsizetype(text.size())); }
    // "1.5 MiB"; exact byte counts are in tooltips and the details pane.
    static QString size(uint64_t bytes);
    // "12 345 678 bytes" with the locale's grouping.
    static QString exactSize(uint64_t bytes);
    // "sha256:0123456789ab" — enough to tell layers apart in a list.
    static QString shortDigest(std::string_view digest);
    // "2024-01-02 03:04:05" in UTC for lists.
    static QString time(const wcow::PaxTime& time);
    // Full precision RFC 3339 as core writes it.
    static QString preciseTime(const wcow::PaxTime& time);
    static QString entryType(wcow::EntryType type);
};

} // namespace layerscope::ui
