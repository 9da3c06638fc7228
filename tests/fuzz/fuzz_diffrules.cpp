// SPDX-License-Identifier: Apache-2.0
// The diff rules file (`diff --rules FILE`): JSON rules with names, globs, fields, kinds and reasons, added after
// the built-in rules, then asked about a few paths.
#include "diff/diffrules.h"
#include "fuzzsupport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    diff::DiffRules rules = diff::DiffRules::builtin();
    const size_t builtin = rules.rules().size();
    try {
        rules.loadJson(fuzzsupport::text(data, size), "fuzz-rules.json");
        FUZZ_CHECK(rules.rules().size() >= builtin, "loading rules removed built-in ones");
        for (const auto& rule : rules.rules())
            FUZZ_CHECK(rules.find(rule.name()) != nullptr, "a rule cannot be found by its name");
    } catch (const Error&) {
        FUZZ_CHECK(rules.rules().size() >= builtin, "a failed load removed built-in rules");
    }
    return 0;
}
