// SPDX-License-Identifier: Apache-2.0
#include "diff/pathglob.h"

#include "wcow/casefold.h"

#include <algorithm>

namespace layerscope::diff {

namespace {

// One code point of UTF-8 at `i` and its length; a byte that does not start a valid sequence stands for itself, so
// that any byte string (tar names are bytes) can be matched.
std::pair<char32_t, size_t> codePoint(std::string_view s, size_t i)
{
    const auto b = uint8_t(s[i]);
    const auto cont = [&](size_t k) { return i + k < s.size() && (uint8_t(s[i + k]) & 0xC0) == 0x80; };
    if (b < 0x80)
        return {b, 1};
    if ((b & 0xE0) == 0xC0 && cont(1))
        return {char32_t(b & 0x1F) << 6 | (uint8_t(s[i + 1]) & 0x3F), 2};
    if ((b & 0xF0) == 0xE0 && cont(1) && cont(2))
        return {char32_t(b & 0x0F) << 12 | char32_t(uint8_t(s[i + 1]) & 0x3F) << 6 | (uint8_t(s[i + 2]) & 0x3F), 3};
    if ((b & 0xF8) == 0xF0 && cont(1) && cont(2) && cont(3))
        return {char32_t(b & 0x07) << 18 | char32_t(uint8_t(s[i + 1]) & 0x3F) << 12
                    | char32_t(uint8_t(s[i + 2]) & 0x3F) << 6 | (uint8_t(s[i + 3]) & 0x3F),
                4};
    return {b, 1};
}

// Parses "[...]" at p[i] (p[i] == '['). Returns the index just past ']' or 0 when the class is not closed, in which
// case '[' is an ordinary character.
size_t parseClass(std::string_view p, size_t i, std::vector<std::pair<char32_t, char32_t>>& ranges, bool& negated)
{
    size_t j = i + 1;
    negated = j < p.size() && (p[j] == '!' || p[j] == '^');
    if (negated)
        ++j;
    bool first = true;
    while (j < p.size()) {
        if (p[j] == ']' && !first)
            return j + 1;
        first = false;
        if (p[j] == '\\' && j + 1 < p.size())
            ++j;
        auto [lo, len] = codePoint(p, j);
        j += len;
        char32_t hi = lo;
        if (j + 1 < p.size() && p[j] == '-' && p[j + 1] != ']') {
            ++j;
            if (p[j] == '\\' && j + 1 < p.size())
                ++j;
            auto [h, hlen] = codePoint(p, j);
            hi = h;
            j += hlen;
        }
        ranges.emplace_back(std::min(lo, hi), std::max(lo, hi));
    }
    ranges.clear();
    return 0;
}

} // namespace

PathGlob::PathGlob(std::string pattern)
    : m_pattern(std::move(pattern))
    , m_body(m_pattern)
{
    compileBoth();
}

PathGlob PathGlob::search(std::string_view text)
{
    PathGlob glob;
    glob.m_pattern = std::string(text);
    std::string body(text);
    std::replace(body.begin(), body.end(), '\\', '/');
    // A trailing '/' asks for folders; a leading one anchors at the root (.gitignore conventions).
    while (body.size() > 1 && body.back() == '/') {
        body.pop_back();
        glob.m_directoryOnly = true;
    }
    if (!body.empty() && body.front() == '/') {
        body.erase(0, std::min(body.size(), body.find_first_not_of('/')));
    } else {
        glob.m_floating = true;
        glob.m_nameOnly = body.find('/') == std::string::npos;
    }
    glob.m_body = body;
    glob.compileBoth();
    return glob;
}

bool PathGlob::isPattern(std::string_view text)
{
    return text.find_first_of("*?[") != std::string_view::npos;
}

void PathGlob::compileBoth()
{
    m_tokens = compile(m_body);
    m_folded = compile(wcow::foldCase(m_body));
    if (m_floating && !m_nameOnly) {
        // "a/b" at any depth is "**/a/b".
        m_tokens.insert(m_tokens.begin(), Token {Op::GlobStarSlash, {}, {}, false});
        m_folded.insert(m_folded.begin(), Token {Op::GlobStarSlash, {}, {}, false});
    }
    m_matchesAll = m_tokens.size() == 1 && m_tokens[0].op == Op::GlobStar;
}

std::vector<PathGlob::Token> PathGlob::compile(std::string_view p)
{
    std::vector<Token> tokens;
    auto literal = [&](char c) {
        if (tokens.empty() || tokens.back().op != Op::Literal)
            tokens.push_back({Op::Literal, {}, {}, false});
        tokens.back().text.push_back(c);
    };
    for (size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '\\' && i + 1 < p.size()) {
            literal(p[++i]);
        } else if (c == '?') {
            tokens.push_back({Op::AnyChar, {}, {}, false});
        } else if (c == '[') {
            Token t {Op::Class, {}, {}, false};
            const size_t end = parseClass(p, i, t.ranges, t.negated);
            if (end == 0) {
                literal(c);
            } else {
                tokens.push_back(std::move(t));
                i = end - 1;
            }
        } else if (c == '*') {
            const size_t start = i;
            while (i + 1 < p.size() && p[i + 1] == '*')
                ++i;
            // .gitignore: "**" is special only as a whole component.
            const bool run = i > start;
            const bool leftBound = start == 0 || p[start - 1] == '/';
            const bool rightBound = i + 1 == p.size() || p[i + 1] == '/';
            if (run && leftBound && rightBound) {
                if (i + 1 < p.size()) {
                    ++i; // the '/' belongs to the token
                    tokens.push_back({Op::GlobStarSlash, {}, {}, false});
                } else {
                    tokens.push_back({Op::GlobStar, {}, {}, false});
                }
            } else if (tokens.empty() || tokens.back().op != Op::Star) {
                tokens.push_back({Op::Star, {}, {}, false});
            }
        } else {
            literal(c);
        }
    }
    return tokens;
}

// Keeps the set of path positions the pattern prefix can end at, token by token: O(tokens * path length) and no
// backtracking, so a hostile rules file cannot make matching exponential.
bool PathGlob::run(const std::vector<Token>& tokens, std::string_view s)
{
    const size_t n = s.size();
    // Reused per thread: a search runs this once per node of a million-entry tree.
    thread_local std::vector<char> reach, next;
    reach.assign(n + 1, 0);
    next.assign(n + 1, 0);
    reach[0] = 1;
    for (const Token& t : tokens) {
        std::fill(next.begin(), next.end(), 0);
        bool any = false;
        switch (t.op) {
        case Op::Literal:
            for (size_t i = 0; i + t.text.size() <= n; ++i)
                if (reach[i] && s.compare(i, t.text.size(), t.text) == 0)
                    next[i + t.text.size()] = any = true;
            break;
        case Op::AnyChar:
        case Op::Class:
            for (size_t i = 0; i < n; ++i) {
                if (!reach[i] || s[i] == '/')
                    continue;
                const auto [cp, len] = codePoint(s, i);
                if (t.op == Op::Class) {
                    const bool in = std::any_of(t.ranges.begin(), t.ranges.end(),
                                                [cp](const auto& r) { return cp >= r.first && cp <= r.second; });
                    if (in == t.negated)
                        continue;
                }
                next[i + len] = any = true;
            }
            break;
        case Op::Star: {
            bool open = false;
            for (size_t i = 0; i <= n; ++i) {
                if (reach[i])
                    open = true;
                if (open)
                    next[i] = any = true;
                if (i < n && s[i] == '/')
                    open = false;
            }
            break;
        }
        case Op::GlobStar: {
            bool open = false;
            for (size_t i = 0; i <= n; ++i) {
                open = open || reach[i];
                if (open)
                    next[i] = any = true;
            }
            break;
        }
        case Op::GlobStarSlash: {
            // Zero components, or any run ending just after a '/'.
            bool open = false;
            for (size_t i = 0; i <= n; ++i) {
                if (reach[i])
                    next[i] = any = true;
                if (open && i > 0 && s[i - 1] == '/')
                    next[i] = any = true;
                open = open || reach[i];
            }
            break;
        }
        }
        if (!any)
            return false;
        reach.swap(next);
    }
    return reach[n];
}

bool PathGlob::matches(std::string_view path, bool folded) const
{
    if (m_matchesAll)
        return true;
    if (m_nameOnly) {
        const size_t slash = path.rfind('/');
        if (slash != std::string_view::npos)
            path.remove_prefix(slash + 1);
    }
    return run(folded ? m_folded : m_tokens, path);
}

} // namespace layerscope::diff
