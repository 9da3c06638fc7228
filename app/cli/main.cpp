// SPDX-License-Identifier: Apache-2.0
// layerscope-cli: the scriptable face of LayerScope. Each subcommand lives in its own *command.cpp.
#include "cliutil.h"
#include "commands.h"

#include <QCoreApplication>

#include <cstring>

namespace {

struct Command
{
    const char* name;
    int (*run)(const QStringList&);
    const char* summary;
};

constexpr Command commands[] = {
    {"inspect", runInspect, "summarise a layer blob: digests, layout, counts, problems, entries"},
    {"chain", runChain, "list the layers of an image source, base to top, with diff_ids verified"},
    {"tree", runTree, "list the entries of one layer or of the merged view of an image source"},
    {"diff", runDiff, "compare two trees; tell real differences from expected round-trip noise"},
    {"verify", runVerify, "check every digest, size, diff_id and layout rule of an image source"},
    {"hive", runHive, "validate and dump a registry hive (file or layer entry); hive diff compares two"},
    {"make-base", runMakeBase, "create an empty (or folder-based) Windows base layer, OCI layout or docker archive"},
    {"scratch", runScratch, "prepare, inspect, commit or discard a writable scratch layer over a chain"},
    {"space", runSpace, "where the bytes go: wasted space, efficiency score, duplicates, hot spots"},
    {"squash", runSquash, "replace layers N..M of a Windows image by one layer with the same merged view"},
};

void printUsage()
{
    std::string text = "usage: layerscope-cli <command> [options]\n\ncommands:\n";
    for (const auto& c : commands)
        text += "  " + std::string(c.name) + std::string(12 - std::strlen(c.name), ' ') + c.summary + '\n';
    text += "\nRun 'layerscope-cli <command> --help' for the options of one command.\n";
    cli::printOut(text);
}

} // namespace

int main(int argc, char** argv)
{
    cli::setUpStandardOutput();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("layerscope-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LAYERSCOPE_VERSION));
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2 || args[1] == QLatin1String("--help") || args[1] == QLatin1String("-h")) {
        printUsage();
        return args.size() < 2 ? cli::BadInput : cli::Success;
    }
    if (args[1] == QLatin1String("--version")) {
        cli::printOut("layerscope-cli " LAYERSCOPE_VERSION "\n");
        return cli::Success;
    }
    for (const auto& c : commands)
        if (args[1] == QLatin1String(c.name))
            return c.run(args.mid(1));
    cli::printError("unknown command '" + args[1].toStdString() + "' (see layerscope-cli --help)");
    return cli::BadInput;
}
