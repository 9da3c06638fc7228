// SPDX-License-Identifier: Apache-2.0
#include "casefold.h"

#include <algorithm>
#include <iterator>

namespace layerscope::wcow {

namespace {

struct Run
{
    char32_t first;
    char32_t last;
    int32_t delta;
    uint32_t stride;
};

constexpr Run kRuns[] = {
#include "casefoldtable.inc"
};

// Decodes one UTF-8 sequence at `pos`; returns false (and leaves `pos`) for anything malformed or overlong, so the
// caller copies that byte verbatim.
bool decodeUtf8(std::string_view text, size_t& pos, char32_t& cp)
{
    const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
    const uint8_t lead = byte(pos);
    size_t length = 0;
    char32_t value = 0;
    if (lead < 0x80) {
        cp = lead;
        ++pos;
        return true;
    } else if ((lead & 0xE0) == 0xC0) {
        length = 2;
        value = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3;
        value = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4;
        value = lead & 0x07;
    } else {
        return false;
    }
    if (pos + length > text.size())
        return false;
    for (size_t i = 1; i < length; ++i) {
        if ((byte(pos + i) & 0xC0) != 0x80)
            return false;
        value = (value << 6) | (byte(pos + i) & 0x3F);
    }
    static constexpr char32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (value < kMinimum[length] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        return false;
    cp = value;
    pos += length;
    return true;
}

void appendUtf8(std::string& out, char32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

} // namespace

char32_t upperCase(char32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
    // Runs are sorted by `first` and do not overlap: find the last run starting at or before cp.
    auto it = std::upper_bound(std::begin(kRuns), std::end(kRuns), cp,
                               [](char32_t value, const Run& run) { return value < run.first; });
    if (it == std::begin(kRuns))
        return cp;
    const Run& run = *std::prev(it);
    if (cp > run.last || (cp - run.first) % run.stride != 0)
        return cp;
    return static_cast<char32_t>(static_cast<int32_t>(cp) + run.delta);
}

std::string foldCase(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    size_t pos = 0;
    while (pos < text.size()) {
        const uint8_t lead = static_cast<uint8_t>(text[pos]);
        if (lead < 0x80) {
            out += (lead >= 'a' && lead <= 'z') ? static_cast<char>(lead - 32) : static_cast<char>(lead);
            ++pos;
            continue;
        }
        char32_t cp = 0;
        if (!decodeUtf8(text, pos, cp)) {
            out += text[pos++];
            continue;
        }
        appendUtf8(out, upperCase(cp));
    }
    return out;
}

namespace {

constexpr uint64_t FnvOffset = 0xcbf29ce484222325ull;
constexpr uint64_t FnvPrime = 0x100000001b3ull;

char asciiUpper(uint8_t c)
{
    return char(c >= 'a' && c <= 'z' ? c - 32 : c);
}

bool isAscii(std::string_view text)
{
    return std::all_of(text.begin(), text.end(), [](char c) { return uint8_t(c) < 0x80; });
}

} // namespace

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    const size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
        const auto x = uint8_t(a[i]), y = uint8_t(b[i]);
        if ((x | y) >= 0x80)
            return foldCase(a.substr(i)) == foldCase(b.substr(i)); // the ASCII prefix folds alike
        if (asciiUpper(x) != asciiUpper(y))
            return false;
    }
    if (a.size() == b.size())
        return true;
    // An ASCII tail never folds to nothing, but a multi-byte character may fold to a shorter or longer spelling.
    const std::string_view rest = a.size() > b.size() ? a.substr(n) : b.substr(n);
    if (isAscii(rest))
        return false;
    return foldCase(a.substr(n)) == foldCase(b.substr(n));
}

uint64_t foldedHash(std::string_view name)
{
    uint64_t h = FnvOffset;
    if (!isAscii(name)) {
        for (char c : foldCase(name))
            h = (h ^ uint8_t(c)) * FnvPrime;
        return h;
    }
    for (char c : name)
        h = (h ^ uint8_t(asciiUpper(uint8_t(c)))) * FnvPrime;
    return h;
}

} // namespace layerscope::wcow
