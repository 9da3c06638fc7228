// SPDX-License-Identifier: Apache-2.0
#include "cliutil.h"
#include "commands.h"

#include "image/chainreport.h"
#include "image/imageanalysis.h"
#include "image/imagesource.h"

int printChain(const std::string& source, bool json, const std::string& platform)
{
    cli::ConsoleProgress progress("reading " + source);
    layerscope::image::OpenOptions open;
    open.platform = platform;
    open.progress = &progress;
    auto image = layerscope::image::ImageSource::open(source, open);
    // Every present layer is read once: diff_ids are verified and sizes, layout and counts filled in. A mismatch
    // throws (exit 2); `verify` lists such problems instead.
    layerscope::image::AnalyzeOptions analyze;
    analyze.progress = &progress;
    layerscope::image::analyzeImage(*image, analyze);
    if (json)
        cli::printJson(layerscope::image::chainToJson(image->image()));
    else
        cli::printOut(layerscope::image::chainToText(image->image()));
    return cli::Success;
}

int runChain(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Show the layers of an image source, base to top: OCI layout (folder or tar), docker save "
                       "archive, layer blob or on-disk Windows layer folder (detected by content). Every layer's "
                       "diff_id is verified."));
    parser.addOptions({
        {QStringLiteral("json"), QStringLiteral("Print JSON instead of text.")},
        {QStringLiteral("platform"),
         QStringLiteral("Pick one platform of a multi-platform image (default windows/amd64)."),
         QStringLiteral("os/arch[:os.version]")},
    });
    parser.addPositionalArgument(QStringLiteral("SOURCE"), QStringLiteral("The image source to read."));
    int exitCode = 0;
    if (!cli::parse(parser, args, exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1) {
        cli::printError("chain takes exactly one SOURCE (see --help)");
        return cli::BadInput;
    }
    const std::string source = parser.positionalArguments().front().toStdString();
    const std::string platform = parser.value(QStringLiteral("platform")).toStdString();
    const bool json = parser.isSet(QStringLiteral("json"));
    return cli::guarded([&] { return printChain(source, json, platform); });
}
