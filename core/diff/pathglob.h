// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace layerscope::diff {

// A glob over layer paths ("Files/Windows/Temp/**", "**/*.bak", "Hives/*_Delta"), with the conventions of
// .gitignore patterns:
//   *      any run of characters within one path component
//   ?      one character (one UTF-8 code point) other than '/'
//   [abc]  one character of a set; ranges "[a-z]", negation "[!a-z]" or "[^a-z]"; never '/'. A '[' without a
//          closing ']' is a literal '['.
//   **     as a whole component only: "**/x" matches x at any depth (also at the top), "x/**" everything inside x,
//          "a/**/b" a/b, a/x/b, a/x/y/b. Elsewhere ("a**b") two stars are one '*', as in .gitignore.
//   \c     the character c literally
// Everything else matches itself. Paths are layer paths: '/' separated, no leading '/'.
//
// The constructor makes the anchored pattern diff rules use: it must match the whole path. search() makes the
// one a search box uses, where the pattern may match at any depth.
class PathGlob
{
public:
    explicit PathGlob(std::string pattern);

    // A search-box pattern, matched against the end of a path at a component boundary:
    //  - "*.dll", "config": no '/' -> the name of an entry at any depth (as in .gitignore);
    //  - "System32/*.dll", "*/config": a '/' inside -> the last components of the path, at any depth;
    //  - "/Files/Windows/*": a leading '/' anchors the pattern at the root;
    //  - "Windows/": a trailing '/' matches folders only (directoryOnly(); the caller knows what is a folder).
    // '\' separates components like '/', since that is how Windows paths are typed (there is no escape here).
    static PathGlob search(std::string_view text);
    // Whether text uses any glob syntax (*, ? or [); plain text is better searched as a substring.
    static bool isPattern(std::string_view text);

    const std::string& pattern() const { return m_pattern; }
    bool directoryOnly() const { return m_directoryOnly; }
    // `folded`: the path was passed through wcow::foldCase, so compare against the folded pattern (Windows trees
    // match case-insensitively, wcow-layer-format §2.2).
    bool matches(std::string_view path, bool folded) const;

private:
    enum class Op : uint8_t { Literal, AnyChar, Class, Star, GlobStar, GlobStarSlash };
    struct Token
    {
        Op op;
        std::string text; // for Literal
        std::vector<std::pair<char32_t, char32_t>> ranges; // for Class: inclusive code point ranges
        bool negated = false; // for Class
    };
    PathGlob() = default;
    void compileBoth();
    static std::vector<Token> compile(std::string_view pattern);
    static bool run(const std::vector<Token>& tokens, std::string_view path);

    std::string m_pattern;
    std::string m_body; // what is compiled: the pattern without search()'s leading/trailing '/'
    std::vector<Token> m_tokens;
    std::vector<Token> m_folded;
    bool m_matchesAll = false;
    bool m_floating = false; // search(): may match at any depth
    bool m_nameOnly = false; // search() without '/': only the last component is matched
    bool m_directoryOnly = false;
};

} // namespace layerscope::diff
