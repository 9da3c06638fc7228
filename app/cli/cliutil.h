// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"

#include <QCommandLineParser>
#include <QString>

#include <nlohmann/json.hpp>

#include <exception>
#include <string>

namespace cli {

enum ExitCode { Success = 0, Findings = 1, BadInput = 2 };

// Call first in main(): on Windows, stdout is switched to binary mode, so that the CLI writes the same bytes as on
// Linux ("\n", not the C runtime's "\r\n"): JSON and listings compare across machines. stderr stays as it is.
void setUpStandardOutput();
void printOut(const std::string& text);
void printJson(const nlohmann::json& json);
// One line on stderr, prefixed with the program name.
void printError(const std::string& message);

// Parses args for a subcommand; on --help prints help and returns false with exitCode 0, on a usage error prints
// it and returns false with exitCode 2.
bool parse(QCommandLineParser& parser, const QStringList& args, int& exitCode);

// Runs `body`, turning core's errors into one-line messages and exit status 2.
int guarded(const std::function<int()>& body);

// Progress on stderr when it is a terminal (a single updating line); silent otherwise, so pipes stay clean.
class ConsoleProgress : public layerscope::Progress
{
public:
    explicit ConsoleProgress(std::string label);
    ~ConsoleProgress() override;
    void advance(uint64_t done, uint64_t total) override;
    bool cancelled() const override { return false; }

private:
    std::string m_label;
    bool m_enabled = false;
    int m_lastPercent = -1;
};

} // namespace cli
