// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small helpers shared by the test suites: where fixtures live, and reading/writing whole files.

#include <QProcess>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

// QCOMPARE prints values it cannot stream as "<unknown>"; worse, on Windows probing QDebug's operators makes
// the compiler try json's implicit conversion to the incomplete MSG struct and fail. Found by argument-dependent
// lookup, this overload prints a json value as its compact text instead.
namespace nlohmann {
inline char* toString(const json& value)
{
    return QTest::toString(QString::fromStdString(value.dump()));
}
} // namespace nlohmann

namespace testsupport {

inline std::filesystem::path fixture(const std::string& name)
{
    return std::filesystem::path(LAYERSCOPE_FIXTURE_DIR) / name;
}

// ../shared next to the checkout; tests that use it skip when it is absent.
inline std::filesystem::path shared(const std::string& name)
{
    return std::filesystem::path(LAYERSCOPE_SHARED_DIR) / name;
}

inline std::vector<uint8_t> readAll(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void writeAll(const std::filesystem::path& path, const std::vector<uint8_t>& bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// Runs a program to completion (at most `timeoutMs`); exitCode is -1 when it did not start, crashed or timed out.
struct ProcessRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

inline ProcessRun runProcess(const QString& program, const QStringList& args,
                             const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment(),
                             const QString& workingDir = {}, int timeoutMs = 300000)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    if (!workingDir.isEmpty())
        process.setWorkingDirectory(workingDir);
    process.start(program, args);
    ProcessRun run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

} // namespace testsupport

#define SKIP_UNLESS_SHARED(path)                                                                                       \
    if (!std::filesystem::exists(path))                                                                                \
    QSKIP(qPrintable(QStringLiteral("shared data not present: %1").arg(QString::fromStdString((path).string()))))
