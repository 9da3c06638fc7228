// SPDX-License-Identifier: Apache-2.0
#include "diff/pathglob.h"

#include "wcow/casefold.h"

namespace layerscope::diff {

PathGlob::PathGlob(std::string pattern)
    : m_pattern(std::move(pattern))
    , m_tokens(compile(m_pattern))
    , m_folded(compile(wcow::foldCase(m_pattern)))
    , m_matchesAll(m_tokens.size() == 1 && m_tokens[0].op == Op::GlobStar)
{ }

std::vector<PathGlob::Token> PathGlob::compile(std::string_view p)
{
    std::vector<Token> tokens;
    auto literal = [&](char c) {
        if (tokens.empty() || tokens.back().op != Op::Literal)
            tokens.push_back({Op::Literal, {}});
        tokens.back().text.push_back(c);
    };
    for (size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '\\' && i + 1 < p.size()) {
            literal(p[++i]);
        } else if (c == '?') {
            tokens.push_back({Op::AnyChar, {}});
        } else if (c == '*') {
            if (i + 1 < p.size() && p[i + 1] == '*') {
                ++i;
                while (i + 1 < p.size() && p[i + 1] == '*')
                    ++i;
                if (i + 1 < p.size() && p[i + 1] == '/') {
                    ++i;
                    tokens.push_back({Op::GlobStarSlash, {}});
                } else {
                    tokens.push_back({Op::GlobStar, {}});
                }
            } else {
                tokens.push_back({Op::Star, {}});
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
    std::vector<char> reach(n + 1, 0), next(n + 1, 0);
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
            for (size_t i = 0; i < n; ++i) {
                if (!reach[i] || s[i] == '/')
                    continue;
                size_t j = i + 1;
                while (j < n && (uint8_t(s[j]) & 0xC0) == 0x80) // UTF-8 continuation bytes
                    ++j;
                next[j] = any = true;
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
    return run(folded ? m_folded : m_tokens, path);
}

} // namespace layerscope::diff
