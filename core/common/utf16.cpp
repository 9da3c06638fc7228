// SPDX-License-Identifier: Apache-2.0
#include "common/utf16.h"

namespace layerscope {

namespace {

template<typename Unit> void appendUtf8(size_t count, Unit unit, std::string& out)
{
    for (size_t i = 0; i < count; ++i) {
        uint32_t cp = unit(i);
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < count && unit(i + 1) >= 0xDC00 && unit(i + 1) <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (unit(i + 1) - 0xDC00);
            ++i;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
        }
        if (cp < 0x80) {
            out.push_back(char(cp));
        } else if (cp < 0x800) {
            out.push_back(char(0xC0 | (cp >> 6)));
            out.push_back(char(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(char(0xE0 | (cp >> 12)));
            out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(char(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(char(0xF0 | (cp >> 18)));
            out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(char(0x80 | (cp & 0x3F)));
        }
    }
}

} // namespace

std::string utf16ToUtf8(std::u16string_view utf16)
{
    std::string out;
    appendUtf8(
        utf16.size(), [utf16](size_t i) { return uint32_t(utf16[i]); }, out);
    return out;
}

void appendUtf8FromUtf16Le(std::span<const uint8_t> utf16le, std::string& out)
{
    const uint8_t* p = utf16le.data();
    appendUtf8(
        utf16le.size() / 2, [p](size_t i) { return uint32_t(p[2 * i] | p[2 * i + 1] << 8); }, out);
}

} // namespace layerscope
