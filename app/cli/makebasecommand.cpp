// SPDX-License-Identifier: Apache-2.0
#include "cliutil.h"
#include "commands.h"

#include "baselayer/baselayerbuilder.h"
#include "baselayer/imagepackager.h"
#include "io/bytesink.h"
#include "io/platformfile.h"
#include "wcow/paxtime.h"

#include <cstdlib>

namespace {

// --timestamp takes RFC 3339 or whole seconds since the epoch; SOURCE_DATE_EPOCH (reproducible-builds.org) is
// seconds.
std::optional<layerscope::wcow::PaxTime> parseTimestamp(const std::string& text)
{
    if (auto rfc = layerscope::wcow::parseRfc3339(text))
        return rfc;
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos && text.size() < 19)
        return layerscope::wcow::PaxTime {std::stoll(text), 0};
    return std::nullopt;
}

} // namespace

int runMakeBase(const QStringList& args)
{
    using namespace layerscope::baselayer;
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Create a Windows base layer: empty (\"FROM scratch\", with valid registry hives) or from a folder, as a "
        "layer tar, an OCI image layout or a docker-load-able archive. Output is reproducible: the same inputs "
        "and timestamp give the same bytes."));
    parser.addOptions({
        {QStringLiteral("from"), QStringLiteral("Put this folder's contents under Files/."), QStringLiteral("DIR")},
        {QStringLiteral("utility-vm"), QStringLiteral("Add a UtilityVM with a minimal valid BCD store.")},
        {QStringLiteral("format"),
         QStringLiteral("tar, tar.gz, tar.zst, oci or docker-archive (default: from OUT's extension)."),
         QStringLiteral("FORMAT")},
        {QStringLiteral("os-version"),
         QStringLiteral("Image config os.version (default empty: matches any Windows host)."), QStringLiteral("V")},
        {QStringLiteral("arch"), QStringLiteral("Image config architecture (default amd64)."), QStringLiteral("A"),
         QStringLiteral("amd64")},
        {QStringLiteral("tag"), QStringLiteral("Image name:tag for image formats."), QStringLiteral("NAME")},
        {QStringLiteral("timestamp"),
         QStringLiteral("Entry and image times, RFC 3339 or epoch seconds (default SOURCE_DATE_EPOCH, else "
                        "2024-01-01T00:00:00Z)."),
         QStringLiteral("T")},
        {QStringLiteral("force"), QStringLiteral("Replace OUT if it exists.")},
        {QStringLiteral("json"), QStringLiteral("Print the result as JSON.")},
        {{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("Where to write."), QStringLiteral("OUT")},
    });
    int exitCode = 0;
    if (!cli::parse(parser, args, exitCode))
        return exitCode;
    if (!parser.isSet(QStringLiteral("output")) || !parser.positionalArguments().isEmpty()) {
        cli::printError("make-base needs -o OUT and takes no other arguments (see --help)");
        return cli::BadInput;
    }
    const std::string output = parser.value(QStringLiteral("output")).toStdString();

    PackageOptions package;
    if (parser.isSet(QStringLiteral("format"))) {
        const auto format = parseFormat(parser.value(QStringLiteral("format")).toStdString());
        if (!format) {
            cli::printError("unknown --format '" + parser.value(QStringLiteral("format")).toStdString()
                            + "' (tar, tar.gz, tar.zst, oci, docker-archive)");
            return cli::BadInput;
        }
        package.format = *format;
    } else if (const auto format = formatFromExtension(output)) {
        package.format = *format;
    } else {
        cli::printError("cannot tell the format from '" + output
                        + "': name it .tar, .tar.gz or .tar.zst, or pass --format");
        return cli::BadInput;
    }

    BaseLayerOptions layer;
    std::string timestamp = parser.value(QStringLiteral("timestamp")).toStdString();
    if (timestamp.empty())
        if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"))
            timestamp = epoch;
    if (!timestamp.empty()) {
        const auto parsed = parseTimestamp(timestamp);
        if (!parsed) {
            cli::printError("cannot read timestamp '" + timestamp + "' (RFC 3339 or seconds since 1970)");
            return cli::BadInput;
        }
        layer.timestamp = *parsed;
    }
    layer.utilityVm = parser.isSet(QStringLiteral("utility-vm"));
    if (parser.isSet(QStringLiteral("from")))
        layer.fromFolder = parser.value(QStringLiteral("from")).toStdString();
    package.architecture = parser.value(QStringLiteral("arch")).toStdString();
    package.osVersion = parser.value(QStringLiteral("os-version")).toStdString();
    package.tag = parser.value(QStringLiteral("tag")).toStdString();
    package.created = layer.timestamp;
    package.overwrite = parser.isSet(QStringLiteral("force"));
    package.createdBy = layer.fromFolder ? "layerscope make-base --from" : "layerscope make-base";

    return cli::guarded([&] {
        cli::ConsoleProgress progress("writing " + output);
        package.progress = &progress;
        const BaseLayerBuilder builder(layer);
        const PackageResult result
            = packageLayer([&](layerscope::io::ByteSink& sink) { builder.write(sink, progress); }, output, package);
        if (parser.isSet(QStringLiteral("json"))) {
            nlohmann::json json = {{"output", layerscope::io::pathToUtf8(result.output)},
                                   {"format", formatName(result.format)},
                                   {"digest", result.digest},
                                   {"diffId", result.diffId},
                                   {"entries", builder.entries().size()},
                                   {"generatedHives", builder.generatedHives()}};
            if (!result.manifestDigest.empty()) {
                json["imageDigest"] = result.manifestDigest;
                json["configDigest"] = result.configDigest;
            }
            cli::printJson(json);
        } else {
            std::string text = "wrote " + layerscope::io::pathToUtf8(result.output) + " (" + formatName(result.format)
                + ", " + std::to_string(builder.entries().size()) + " entries)\n";
            text += "  digest   " + result.digest + "\n  diff_id  " + result.diffId + "\n";
            if (!result.manifestDigest.empty())
                text += "  image    " + result.manifestDigest + "\n  config   " + result.configDigest + "\n";
            cli::printOut(text);
        }
        return int(cli::Success);
    });
}
