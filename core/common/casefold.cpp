// SPDX-License-Identifier: Apache-2.0
#include "casefold.h"

#include <cstdint>

namespace layerscope {

namespace {

char32_t upper(char32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') ? c - 0x20 : c;
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
        return c - 0x20;
    if (c == 0xFF)
        return 0x178;
    // Latin Extended-A pairs upper/lower at even/odd code points, except the 0x139-0x148 and 0x179-0x17E runs,
    // which are shifted by one; 0x131 (dotless i) and 0x138 (kra) have no simple upper case here.
    if ((c >= 0x100 && c <= 0x137 && c != 0x131) || (c >= 0x14A && c <= 0x177))
        return c & ~char32_t(1);
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
        return (c & 1) ? c : c - 1;
    if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2)
        return c - 0x20;
    if (c >= 0x430 && c <= 0x44F)
        return c - 0x20;
    if (c >= 0x450 && c <= 0x45F)
        return c - 0x50;
    return c;
}

void appendUtf8(std::string& out, char32_t c)
{
    if (c < 0x80) {
        out.push_back(char(c));
    } else if (c < 0x800) {
        out.push_back(char(0xC0 | (c >> 6)));
        out.push_back(char(0x80 | (c & 0x3F)));
    } else {
        out.push_back(char(0xE0 | (c >> 12)));
        out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(char(0x80 | (c & 0x3F)));
    }
}

} // namespace

std::string foldCase(std::string_view utf8)
{
    std::string out;
    out.reserve(utf8.size());
    for (size_t i = 0; i < utf8.size();) {
        const auto b = uint8_t(utf8[i]);
        if (b < 0x80) {
            out.push_back((b >= 'a' && b <= 'z') ? char(b - 0x20) : char(b));
            ++i;
            continue;
        }
        // Only two-byte sequences can hold the letters we fold; everything else is copied through as is.
        if ((b & 0xE0) == 0xC0 && i + 1 < utf8.size() && (uint8_t(utf8[i + 1]) & 0xC0) == 0x80) {
            const char32_t c = (char32_t(b & 0x1F) << 6) | (uint8_t(utf8[i + 1]) & 0x3F);
            appendUtf8(out, upper(c));
            i += 2;
            continue;
        }
        out.push_back(char(b));
        ++i;
    }
    return out;
}

bool equalsFolded(std::string_view a, std::string_view b)
{
    return foldCase(a) == foldCase(b);
}

} // namespace layerscope
