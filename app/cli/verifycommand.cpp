// SPDX-License-Identifier: Apache-2.0
#include "cliutil.h"
#include "commands.h"

#include "image/chainreport.h"
#include "image/imageanalysis.h"
#include "image/imagesource.h"

#include <algorithm>

int runVerify(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Check an image source: every layer's digest, size and diff_id, and the Windows layout rules "
                       "of every layer. Exit status 0 when all hold, 1 when something is wrong (each problem "
                       "listed), 2 when the source cannot be read."));
    parser.addOptions({
        {QStringLiteral("json"), QStringLiteral("Print JSON instead of text.")},
        {QStringLiteral("platform"),
         QStringLiteral("Pick one platform of a multi-platform image (default windows/amd64)."),
         QStringLiteral("os/arch[:os.version]")},
    });
    parser.addPositionalArgument(QStringLiteral("SOURCE"), QStringLiteral("The image source to check."));
    int exitCode = 0;
    if (!cli::parse(parser, args, exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1) {
        cli::printError("verify takes exactly one SOURCE (see --help)");
        return cli::BadInput;
    }
    const std::string source = parser.positionalArguments().front().toStdString();
    return cli::guarded([&] {
        cli::ConsoleProgress progress("verifying " + source);
        layerscope::image::OpenOptions open;
        open.platform = parser.value(QStringLiteral("platform")).toStdString();
        open.progress = &progress;
        auto image = layerscope::image::ImageSource::open(source, open);
        layerscope::image::AnalyzeOptions analyze;
        analyze.strict = false;
        analyze.progress = &progress;
        // A bare disk has no layers to check: its NTFS volume is what can be read or not.
        const auto findings = image->image().disk ? layerscope::image::checkDisk(*image, progress)
                                                  : layerscope::image::analyzeImage(*image, analyze).findings;
        if (parser.isSet(QStringLiteral("json")))
            cli::printJson(layerscope::image::findingsToJson(image->image(), findings));
        else
            cli::printOut(layerscope::image::findingsToText(image->image(), findings));
        const bool errors = std::any_of(findings.begin(), findings.end(), [](const auto& f) {
            return f.severity == layerscope::image::Finding::Severity::Error;
        });
        return int(errors ? cli::Findings : cli::Success);
    });
}
