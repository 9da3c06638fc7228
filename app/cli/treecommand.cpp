// SPDX-License-Identifier: Apache-2.0
#include "cliutil.h"
#include "commands.h"

#include "image/imageanalysis.h"
#include "image/imagesource.h"
#include "report/treereport.h"

#include <iostream>
#include <optional>

namespace {

using layerscope::index::NodeId;
using layerscope::index::TreeIndex;

std::string normalisePrefix(std::string p)
{
    for (char& c : p)
        if (c == '\\')
            c = '/';
    while (!p.empty() && p.front() == '/')
        p.erase(p.begin());
    while (!p.empty() && p.back() == '/')
        p.pop_back();
    return p;
}

} // namespace

int runTree(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("List the entries of one layer of an image source, or of the merged view of all its layers "
                       "(whiteouts applied; each entry says which layer last set it). The merged view is the "
                       "default."));
    parser.addOptions({
        {QStringLiteral("json"), QStringLiteral("Print JSON instead of text.")},
        {QStringLiteral("layer"), QStringLiteral("Show layer N only (0 is the base)."), QStringLiteral("N")},
        {QStringLiteral("merged"), QStringLiteral("Show the merged view (the default).")},
        {QStringLiteral("path"), QStringLiteral("Only entries at or below this path (e.g. Files/Windows)."),
         QStringLiteral("PREFIX")},
        {QStringLiteral("platform"),
         QStringLiteral("Pick one platform of a multi-platform image (default windows/amd64)."),
         QStringLiteral("os/arch[:os.version]")},
        {QStringLiteral("no-hash"), QStringLiteral("Do not hash file contents.")},
    });
    parser.addPositionalArgument(QStringLiteral("SOURCE"), QStringLiteral("The image source to read."));
    int exitCode = 0;
    if (!cli::parse(parser, args, exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1) {
        cli::printError("tree takes exactly one SOURCE (see --help)");
        return cli::BadInput;
    }
    if (parser.isSet(QStringLiteral("layer")) && parser.isSet(QStringLiteral("merged"))) {
        cli::printError("--layer and --merged exclude each other");
        return cli::BadInput;
    }
    std::optional<size_t> layerNumber;
    if (parser.isSet(QStringLiteral("layer"))) {
        bool ok = false;
        const uint n = parser.value(QStringLiteral("layer")).toUInt(&ok);
        if (!ok) {
            cli::printError("--layer takes a layer number (0 is the base)");
            return cli::BadInput;
        }
        layerNumber = n;
    }
    const std::string source = parser.positionalArguments().front().toStdString();
    const std::string prefix = normalisePrefix(parser.value(QStringLiteral("path")).toStdString());
    const bool hash = !parser.isSet(QStringLiteral("no-hash"));

    return cli::guarded([&] {
        cli::ConsoleProgress progress("reading " + source);
        layerscope::image::OpenOptions open;
        open.platform = parser.value(QStringLiteral("platform")).toStdString();
        open.progress = &progress;
        auto image = layerscope::image::ImageSource::open(source, open);

        TreeIndex tree;
        if (layerNumber) {
            if (*layerNumber >= image->image().layers.size()) {
                cli::printError("no layer " + std::to_string(*layerNumber) + ": the image has "
                                + std::to_string(image->image().layers.size()) + " layers (0 is the base)");
                return int(cli::BadInput);
            }
            layerscope::index::ScanOptions scan;
            scan.hashFiles = hash;
            scan.progress = &progress;
            auto result = image->scanLayer(*layerNumber, scan);
            for (const std::string& problem : image->identityProblems(*layerNumber, result))
                throw layerscope::Error({image->layerName(*layerNumber), {}, {}, {}}, problem);
            tree = std::move(result.index);
        } else {
            tree = layerscope::image::mergedView(*image, hash, progress);
        }

        NodeId top = tree.root();
        if (!prefix.empty()) {
            top = tree.find(prefix);
            if (top == layerscope::index::InvalidNode) {
                cli::printError("no entry " + prefix + " in " + source);
                return int(cli::BadInput);
            }
        }
        // One layer lists in its tar order; the merged view has no such order, so it lists in path order.
        layerscope::report::TreeListing listing {image->image().source,
                                                 layerscope::image::sourceKindName(image->kind()),
                                                 layerNumber,
                                                 prefix,
                                                 &tree,
                                                 layerscope::report::listRecords(tree, top, layerNumber.has_value())};
        // Streamed, never built whole: a million entries print ~1 GB of JSON.
        if (parser.isSet(QStringLiteral("json")))
            layerscope::report::writeTreeJson(listing, std::cout);
        else
            layerscope::report::writeTreeText(listing, std::cout);
        std::cout.flush();
        return int(cli::Success);
    });
}
