// SPDX-License-Identifier: Apache-2.0
#pragma once

// A chain LayerScope builds by itself, through the CLI as a user would: make-base (OCI layout), then two layers made
// by scratch commit — the first adds App/big.bin (300,000 bytes of 'a'), an identical App/copy.bin and
// Windows/Temp/setup.log (6 bytes); the second deletes the copy and rewrites big.bin with 1000 bytes of 'b'.

#include "cli/clirun.h"

#include <QString>

#include <filesystem>

namespace testsupport {

struct ScratchChain
{
    QString firstImage; // base + the first commit
    QString secondImage; // base + both commits
};

// Builds the chain in `dir`; empty paths (and the failing step's message as a warning) when a step fails.
inline ScratchChain buildScratchChain(const QString& dir)
{
    const auto at = [&](const char* name) { return dir + QLatin1Char('/') + QLatin1String(name); };
    const auto write = [](const QString& path, size_t size, char fill) {
        std::filesystem::create_directories(std::filesystem::path(path.toStdString()).parent_path());
        writeAll(path.toStdString(), std::vector<uint8_t>(size, uint8_t(fill)));
    };
    const auto ok = [](const CliRun& run) {
        if (run.exitCode != 0)
            qWarning("%s", run.err.c_str());
        return run.exitCode == 0;
    };
    if (!ok(cli({"make-base", "--format", "oci", "-o", at("base")}))
        || !ok(cli({"scratch", "prepare", at("base"), "--workdir", at("w1")})))
        return {};
    write(at("w1/App/big.bin"), 300000, 'a');
    write(at("w1/App/copy.bin"), 300000, 'a');
    write(at("w1/Windows/Temp/setup.log"), 6, 'l');
    if (!ok(cli({"scratch", "commit", at("w1"), "-o", at("l1.tar"), "--image-out", at("img1"), "--format", "oci"}))
        || !ok(cli({"scratch", "prepare", at("img1"), "--workdir", at("w2")})))
        return {};
    std::filesystem::remove(at("w2/App/copy.bin").toStdString());
    write(at("w2/App/big.bin"), 1000, 'b');
    if (!ok(cli({"scratch", "commit", at("w2"), "-o", at("l2.tar"), "--image-out", at("img2"), "--format", "oci"})))
        return {};
    return {at("img1"), at("img2")};
}

} // namespace testsupport
