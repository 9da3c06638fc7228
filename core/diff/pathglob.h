// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace layerscope::diff {

// A glob over layer paths ("Files/Windows/Temp/**", "**/*.bak", "Hives/*_Delta"):
//   *    any run of characters within one path component
//   ?    one character (one UTF-8 code point) other than '/'
//   **   any run of characters across components; "**/" also matches nothing, so "**/*.bak" matches "x.bak"
//   \c   the character c literally
// Everything else matches itself. Paths are layer paths: '/' separated, no leading '/'.
class PathGlob
{
public:
    explicit PathGlob(std::string pattern);

    const std::string& pattern() const { return m_pattern; }
    // `folded`: the path was passed through wcow::foldCase, so compare against the folded pattern (Windows trees
    // match case-insensitively, wcow-layer-format §2.2).
    bool matches(std::string_view path, bool folded) const;

private:
    enum class Op : uint8_t { Literal, AnyChar, Star, GlobStar, GlobStarSlash };
    struct Token
    {
        Op op;
        std::string text; // for Literal
    };
    static std::vector<Token> compile(std::string_view pattern);
    static bool run(const std::vector<Token>& tokens, std::string_view path);

    std::string m_pattern;
    std::vector<Token> m_tokens;
    std::vector<Token> m_folded;
    bool m_matchesAll = false;
};

} // namespace layerscope::diff
