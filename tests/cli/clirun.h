// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs the built layerscope-cli (LAYERSCOPE_CLI, set by tests/cli/CMakeLists.txt) as a user would.

#include <QProcess>
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
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(LAYERSCOPE_CLI), args);
    CliRun run;
    if (!process.waitForFinished(300000)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput().toStdString();
    run.err = process.readAllStandardError().toStdString();
    return run;
}

} // namespace testsupport
