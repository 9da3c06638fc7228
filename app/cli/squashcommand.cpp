// SPDX-License-Identifier: Apache-2.0
#include "cliutil.h"
#include "commands.h"

#include "baselayer/imagepackager.h"
#include "io/platformfile.h"
#include "squash/squasher.h"

#include <optional>

namespace {

// "N..M", "N.." (to the top) or "N" (one layer).
bool parseRange(const std::string& text, std::optional<size_t>& first, std::optional<size_t>& last)
{
    auto number = [](const std::string& s, std::optional<size_t>& out) {
        if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos)
            return false;
        out = size_t(std::stoul(s));
        return true;
    };
    const size_t dots = text.find("..");
    if (dots == std::string::npos)
        return number(text, first) && number(text, last);
    if (!number(text.substr(0, dots), first))
        return false;
    const std::string upper = text.substr(dots + 2);
    return upper.empty() || number(upper, last);
}

} // namespace

int runSquash(const QStringList& args)
{
    using namespace layerscope;
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Replace layers N..M of a Windows image by one layer with the same merged view: a windows-base layer when N "
        "is 0 (config hives with the deltas applied), else a windows-delta layer (Hives/*_Delta combined, only the "
        "whiteouts that still hide something below N). Attributes, security descriptors, times, streams, EAs and "
        "links are kept. Writes the squashed layer alone or the whole image with its config and manifest rewritten."));
    parser.addPositionalArgument(QStringLiteral("SOURCE"),
                                 QStringLiteral("An OCI layout (folder or tar) or a docker "
                                                "archive."));
    parser.addOptions({
        {QStringLiteral("layers"),
         QStringLiteral("The range to squash, base = 0: N..M, N.. (to the top) or N (default: 1.., everything above "
                        "the base)."),
         QStringLiteral("N..M")},
        {QStringLiteral("format"),
         QStringLiteral("layer (the squashed layer alone; .tar, .tar.gz or .tar.zst from OUT's name, else tar), oci "
                        "or docker-archive (default: oci)."),
         QStringLiteral("FORMAT")},
        {QStringLiteral("tag"), QStringLiteral("Image name:tag for image formats."), QStringLiteral("NAME")},
        {QStringLiteral("platform"), QStringLiteral("Which manifest of a multi-platform source (os/arch[:ver])."),
         QStringLiteral("P")},
        {QStringLiteral("force"), QStringLiteral("Replace OUT if it exists.")},
        {QStringLiteral("json"), QStringLiteral("Print the result as JSON.")},
        {{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Where to write."), QStringLiteral("OUT")},
    });
    int exitCode = 0;
    if (!cli::parse(parser, args, exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1 || !parser.isSet(QStringLiteral("output"))) {
        cli::printError("squash needs one SOURCE and -o OUT (see --help)");
        return cli::BadInput;
    }
    const std::string source = parser.positionalArguments().front().toStdString();
    const std::string output = parser.value(QStringLiteral("output")).toStdString();

    squash::SquashOptions options;
    if (parser.isSet(QStringLiteral("layers"))) {
        const std::string range = parser.value(QStringLiteral("layers")).toStdString();
        if (!parseRange(range, options.first, options.last)) {
            cli::printError("cannot read --layers '" + range + "' (N..M, N.. or N, counting the base as 0)");
            return cli::BadInput;
        }
    }
    const std::string format = parser.value(QStringLiteral("format")).toStdString();
    if (format.empty() || format == "oci") {
        options.format = baselayer::OutputFormat::Oci;
    } else if (format == "docker-archive") {
        options.format = baselayer::OutputFormat::DockerArchive;
    } else if (format == "layer") {
        options.format = baselayer::formatFromExtension(output).value_or(baselayer::OutputFormat::Tar);
        if (options.format != baselayer::OutputFormat::Tar && options.format != baselayer::OutputFormat::TarGz
            && options.format != baselayer::OutputFormat::TarZst)
            options.format = baselayer::OutputFormat::Tar;
    } else {
        cli::printError("unknown --format '" + format + "' (layer, oci, docker-archive)");
        return cli::BadInput;
    }
    options.tag = parser.value(QStringLiteral("tag")).toStdString();
    options.platform = parser.value(QStringLiteral("platform")).toStdString();
    options.overwrite = parser.isSet(QStringLiteral("force"));

    return cli::guarded([&] {
        cli::ConsoleProgress progress("squashing " + source);
        options.progress = &progress;
        const squash::SquashResult r = squash::squashImage(source, output, options);
        const std::string range = std::to_string(r.first) + ".." + std::to_string(r.last);
        if (parser.isSet(QStringLiteral("json"))) {
            nlohmann::json json = {{"source", source},
                                   {"output", io::pathToUtf8(r.output)},
                                   {"format", baselayer::formatName(r.format)},
                                   {"range", {{"first", r.first}, {"last", r.last}}},
                                   {"layersBefore", r.layersBefore},
                                   {"layersAfter", r.layersAfter},
                                   {"layout", r.layout},
                                   {"entries", r.entries},
                                   {"whiteouts", r.whiteouts},
                                   {"hardLinks", r.hardLinks},
                                   {"linksMadeFiles", r.linksMadeFiles},
                                   {"lowerLayersRead", r.lowerKnown},
                                   {"mergedHives", r.mergedHives},
                                   {"spilledBytes", r.spilledBytes},
                                   {"spilledEntries", r.spilledEntries},
                                   {"layerDigest", r.layerDigest},
                                   {"diffId", r.diffId}};
            if (!r.manifestDigest.empty()) {
                json["imageDigest"] = r.manifestDigest;
                json["configDigest"] = r.configDigest;
            }
            cli::printJson(json);
        } else {
            std::string text = "squashed layers " + range + " of " + source + " into one " + r.layout + " layer\n";
            text += "wrote " + io::pathToUtf8(r.output) + " (" + baselayer::formatName(r.format) + ", "
                + std::to_string(r.layersBefore) + " -> " + std::to_string(r.layersAfter) + " layers)\n";
            text += "  entries    " + std::to_string(r.entries) + " (" + std::to_string(r.whiteouts) + " whiteouts, "
                + std::to_string(r.hardLinks) + " hard links";
            if (r.linksMadeFiles > 0)
                text += ", " + std::to_string(r.linksMadeFiles) + " links written as files";
            text += ")\n";
            if (!r.mergedHives.empty()) {
                text += "  registry  ";
                for (const std::string& h : r.mergedHives)
                    text += " " + h;
                text += r.layout == "windows-base" ? " (deltas applied)\n" : " (deltas combined)\n";
            }
            if (!r.lowerKnown)
                text += "  note       a layer below the range is not in the source: every deletion of the range is "
                        "kept\n";
            text += "  layer      " + r.layerDigest + "\n  diff_id    " + r.diffId + "\n";
            if (!r.manifestDigest.empty())
                text += "  image      " + r.manifestDigest + "\n  config     " + r.configDigest + "\n";
            cli::printOut(text);
        }
        return int(cli::Success);
    });
}
