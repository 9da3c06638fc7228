// SPDX-License-Identifier: Apache-2.0
#include "cliutil.h"
#include "commands.h"

#include "hive/hivereader.h"
#include "index/entrydata.h"

int runHive(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Validate and dump a registry hive: key paths, value names, types and data. Exit 0 when the hive is valid, "
        "1 when it is structurally invalid (each problem listed), 2 when it cannot be read."));
    parser.addOptions({
        {QStringLiteral("json"), QStringLiteral("Print JSON instead of text.")},
        {QStringLiteral("entry"),
         QStringLiteral("Read the hive from this entry of a layer given as FILE "
                        "(e.g. Files/Windows/System32/config/SYSTEM)."),
         QStringLiteral("PATH")},
    });
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A hive file, or a layer with --entry."));
    int exitCode = 0;
    if (!cli::parse(parser, args, exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1) {
        cli::printError("hive takes exactly one FILE (see --help)");
        return cli::BadInput;
    }
    const std::string file = parser.positionalArguments().front().toStdString();

    return cli::guarded([&] {
        using layerscope::hive::HiveReader;
        const HiveReader reader = [&] {
            if (!parser.isSet(QStringLiteral("entry")))
                return HiveReader::fromFile(file);
            const auto bytes = layerscope::index::readEntryData(
                file, parser.value(QStringLiteral("entry")).toStdString(), HiveReader::kMaxHiveSize + 1);
            if (bytes.size() > HiveReader::kMaxHiveSize)
                throw layerscope::Error({file, {}, parser.value(QStringLiteral("entry")).toStdString(), {}},
                                        "hive is larger than the 512 MiB this tool reads");
            return HiveReader(bytes);
        }();
        if (parser.isSet(QStringLiteral("json")))
            cli::printJson(reader.toJson());
        else
            cli::printOut(reader.toText());
        return int(reader.valid() ? cli::Success : cli::Findings);
    });
}
