// SPDX-License-Identifier: Apache-2.0
#include "cliutil.h"
#include "commands.h"

#include "image/sourcedetector.h"
#include "index/layerscan.h"
#include "report/inspectreport.h"

#include <iostream>

int runInspect(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Summarise a layer blob (.tar, .tar.gz, .tar.zst, ...; detected "
                                                    "by content): digests, layout, counts, problems."));
    parser.addOptions({
        {QStringLiteral("json"), QStringLiteral("Print JSON instead of text.")},
        {QStringLiteral("entries"), QStringLiteral("List every entry.")},
        {QStringLiteral("no-hash"), QStringLiteral("Do not hash file contents.")},
    });
    parser.addPositionalArgument(QStringLiteral("LAYER"), QStringLiteral("The layer blob to read."));
    int exitCode = 0;
    if (!cli::parse(parser, args, exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1) {
        cli::printError("inspect takes exactly one LAYER (see --help)");
        return cli::BadInput;
    }
    const std::string path = parser.positionalArguments().front().toStdString();

    return cli::guarded([&] {
        // An image source (OCI layout or archive, docker archive, layer folder) gets its chain summary instead.
        if (!layerscope::image::isLayerBlob(path))
            return printChain(path, parser.isSet(QStringLiteral("json")), std::string());
        cli::ConsoleProgress progress("reading " + path);
        layerscope::index::ScanOptions options;
        options.hashFiles = !parser.isSet(QStringLiteral("no-hash"));
        options.progress = &progress;
        layerscope::report::InspectOptions report;
        report.entries = parser.isSet(QStringLiteral("entries"));
        options.buildIndex = report.entries; // the summary needs counts and findings, not the tree
        const auto scan = layerscope::index::scanLayerFile(path, options);
        // Streamed: with --entries a million-entry layer prints ~1 GB, which is never held whole.
        if (parser.isSet(QStringLiteral("json")))
            layerscope::report::writeInspectJson(scan, report, std::cout);
        else
            layerscope::report::writeInspectText(scan, report, std::cout);
        std::cout.flush();
        return int(cli::Success);
    });
}
