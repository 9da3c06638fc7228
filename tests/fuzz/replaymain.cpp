// SPDX-License-Identifier: Apache-2.0
// Runs a libFuzzer harness over files without libFuzzer, so that every build (GCC, MSVC, no sanitizer) replays the
// seed corpus and the regression inputs of tests/fuzz/regressions in the normal suite:
//   fuzzreplay_<name> DIR_OR_FILE...
// A harness reports a finding by crashing (abort, sanitizer report, uncaught exception), so exit 0 means every
// input passed. Missing arguments are skipped (a target may have no regression inputs yet); no input at all fails.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::vector<uint8_t> readFile(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::filesystem::path> inputs;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg = argv[i];
        std::error_code ec;
        if (std::filesystem::is_directory(arg, ec)) {
            for (const auto& entry : std::filesystem::directory_iterator(arg))
                if (entry.is_regular_file())
                    inputs.push_back(entry.path());
        } else if (std::filesystem::is_regular_file(arg, ec)) {
            inputs.push_back(arg);
        }
    }
    std::sort(inputs.begin(), inputs.end());
    if (inputs.empty()) {
        std::fprintf(stderr, "no inputs found\n");
        return 1;
    }
    for (const auto& path : inputs) {
        // Named before it runs, so that a crash shows which input caused it.
        std::fprintf(stderr, "%s\n", path.string().c_str());
        std::fflush(stderr);
        const std::vector<uint8_t> bytes = readFile(path);
        LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    }
    std::printf("replayed %zu inputs\n", inputs.size());
    return 0;
}
