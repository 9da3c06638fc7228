// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs the built layerscope-cli (LAYERSCOPE_CLI, set by tests/cli/CMakeLists.txt) as a user would.

#include "testsupport.h"

#include <QStringList>

#include <nlohmann/json.hpp>

#include <string>

namespace testsupport {

struct CliRun
{
    int exitCode = -1;
    std::string out;
    std::string err;
    nlohmann::json parsed() const { return nlohmann::json::parse(out); }
};

inline CliRun cli(const QStringList& args,
                  const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment())
{
    const ProcessRun run = runProcess(QStringLiteral(LAYERSCOPE_CLI), args, environment);
    return {run.exitCode, run.out.toStdString(), run.err.toStdString()};
}

} // namespace testsupport
