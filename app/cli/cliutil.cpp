// SPDX-License-Identifier: Apache-2.0
#include "cliutil.h"

#include "common/error.h"

#include <cstdio>
#include <iostream>

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#define isatty _isatty
#define fileno _fileno
#else
#include <unistd.h>
#endif

namespace cli {

void setUpStandardOutput()
{
#ifdef _WIN32
    _setmode(fileno(stdout), _O_BINARY);
#endif
}

void printOut(const std::string& text)
{
    std::fwrite(text.data(), 1, text.size(), stdout);
}

void printJson(const nlohmann::json& json)
{
    // Invalid UTF-8 in names (tars are byte strings) is replaced rather than aborting the whole output.
    printOut(json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + '\n');
}

void printError(const std::string& message)
{
    std::fflush(stdout);
    std::fprintf(stderr, "layerscope-cli: %s\n", message.c_str());
}

bool parse(QCommandLineParser& parser, const QStringList& args, int& exitCode)
{
    parser.addHelpOption();
    if (!parser.parse(args)) {
        printError(parser.errorText().toStdString());
        exitCode = BadInput;
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        // Qt names the executable path in the usage line; users type "layerscope-cli <command>".
        QString help = parser.helpText();
        const qsizetype end = help.indexOf(QLatin1Char('\n'));
        const qsizetype options = help.left(end).indexOf(QLatin1String(" [options]"));
        if (options > 0)
            help = QStringLiteral("Usage: layerscope-cli ") + args.value(0) + help.mid(options);
        printOut(help.toStdString());
        exitCode = Success;
        return false;
    }
    return true;
}

int guarded(const std::function<int()>& body)
{
    try {
        return body();
    } catch (const layerscope::Error& e) {
        printError(e.what());
    } catch (const layerscope::Cancelled&) {
        printError("cancelled");
    } catch (const std::bad_alloc&) {
        printError("out of memory");
    } catch (const std::exception& e) {
        printError(e.what());
    }
    return BadInput;
}

ConsoleProgress::ConsoleProgress(std::string label)
    : m_label(std::move(label))
    , m_enabled(isatty(fileno(stderr)))
{ }

ConsoleProgress::~ConsoleProgress()
{
    if (m_enabled && m_lastPercent >= 0)
        std::fprintf(stderr, "\r\033[K");
}

void ConsoleProgress::advance(uint64_t done, uint64_t total)
{
    if (!m_enabled || total == 0)
        return;
    const int percent = int(done * 100 / total);
    if (percent == m_lastPercent)
        return;
    m_lastPercent = percent;
    std::fprintf(stderr, "\r%s %3d%%", m_label.c_str(), percent);
    std::fflush(stderr);
}

} // namespace cli
