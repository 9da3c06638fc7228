// SPDX-License-Identifier: Apache-2.0
// Path globs of diff rules: the input is a pattern, a newline and a path; matching must never crash and never
// take more than linear-times-pattern work (libFuzzer's -timeout catches exponential backtracking). A pattern
// matches its own text when it has no metacharacters; '[' counts as one, since a closed "[...]" is a class.
#include "diff/pathglob.h"
#include "fuzzsupport.h"
#include "wcow/casefold.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    const auto parts = fuzzsupport::split(fuzzsupport::text(data, size), "\n", 2);
    const std::string pattern(parts[0]);
    const std::string_view path = parts.size() > 1 ? parts[1] : parts[0];
    try {
        const diff::PathGlob glob(pattern);
        (void)glob.matches(path, false);
        (void)glob.matches(wcow::foldCase(path), true);
        if (pattern.find_first_of("*?\\[") == std::string::npos)
            FUZZ_CHECK(glob.matches(pattern, false), "a literal pattern does not match itself");
    } catch (const Error&) { }
    return 0;
}
