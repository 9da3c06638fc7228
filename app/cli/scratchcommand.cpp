// SPDX-License-Identifier: Apache-2.0
// layerscope-cli scratch prepare|status|commit|discard: writable scratch layers over a chain (issue 7).
#include "cliutil.h"
#include "commands.h"

#include "baselayer/imagepackager.h"
#include "image/sourcedetector.h"
#include "io/platformfile.h"
#include "scratch/scratchbackend.h"
#include "wcow/windowsentry.h"
#if defined(LAYERSCOPE_HAVE_DISKS)
#include "disk/sandboxlayer.h"
#endif

namespace {

using namespace layerscope::scratch;

constexpr const char* Usage = "usage: layerscope-cli scratch <prepare|status|commit|discard> [options]\n"
                              "\n"
                              "  prepare SOURCE [--up-to N] [--parentless] [--backend portable|hcs] --workdir DIR\n"
                              "      materialise the merged view of SOURCE (layers 0..N) into the new folder DIR\n"
                              "  status [--json] DIR\n"
                              "      list what was added, removed and modified since prepare (exit 1 when anything)\n"
                              "  commit DIR -o LAYER [--image-out OUT --format oci|docker-archive] [--force]\n"
                              "      write the change as a new delta layer (a base layer for --parentless)\n"
                              "  commit sandbox.vhdx -o LAYER [--force]\n"
                              "      write what a container changed on its sandbox disk as a delta layer\n"
                              "  discard DIR\n"
                              "      remove the work folder and its state\n"
                              "\n"
                              "DIR holds the files (the container's C:\\, the layer's Files/); LayerScope keeps its\n"
                              "state in DIR/.layerscope/. Run 'layerscope-cli scratch <subcommand> --help' for more.\n";

nlohmann::json statusJson(const ScratchStatus& status)
{
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& c : status.changes) {
        nlohmann::json j
            = {{"path", c.path}, {"kind", changeKindName(c.kind)}, {"type", layerscope::wcow::entryTypeName(c.type)}};
        if (!c.fields.empty())
            j["fields"] = c.fields;
        changes.push_back(j);
    }
    return {{"added", status.added},
            {"removed", status.removed},
            {"modified", status.modified},
            {"clean", status.clean()},
            {"changes", changes}};
}

std::string statusText(const ScratchStatus& status)
{
    if (status.clean())
        return "no changes since prepare\n";
    std::string text;
    for (const auto& c : status.changes) {
        const char mark = c.kind == ChangeKind::Added ? 'A' : c.kind == ChangeKind::Removed ? 'D' : 'M';
        text += std::string(1, mark) + "  " + c.path;
        if (c.type == layerscope::wcow::EntryType::Directory)
            text += "/";
        if (!c.fields.empty()) {
            text += "  (";
            for (size_t i = 0; i < c.fields.size(); ++i)
                text += (i ? ", " : "") + c.fields[i];
            text += ")";
        }
        text += "\n";
    }
    text += std::to_string(status.added) + " added, " + std::to_string(status.removed) + " removed, "
        + std::to_string(status.modified) + " modified\n";
    return text;
}

int runPrepare(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Prepare a scratch layer: materialise the merged view of SOURCE (an OCI layout or archive, a docker "
        "archive or a layer blob) into the new folder DIR, and record a baseline to commit the changes against. "
        "Entries that would write outside DIR (.., absolute or drive-letter paths, links, device names) are "
        "refused."));
    parser.addPositionalArgument(QStringLiteral("SOURCE"),
                                 QStringLiteral("Image source (optional with --parentless)."));
    parser.addOptions({
        {QStringLiteral("workdir"), QStringLiteral("The work folder to create (must not exist)."),
         QStringLiteral("DIR")},
        {QStringLiteral("up-to"), QStringLiteral("Use layers 0..N only (0 = base)."), QStringLiteral("N")},
        {QStringLiteral("parentless"),
         QStringLiteral("Commit as a base layer; without SOURCE the folder starts empty.")},
        {QStringLiteral("platform"), QStringLiteral("os/arch[:os.version] of a multi-platform index."),
         QStringLiteral("P")},
        {QStringLiteral("json"), QStringLiteral("Print the result as JSON.")},
        {QStringLiteral("backend"),
         QStringLiteral("portable (the default: the merged view as plain files, everywhere) or hcs (a sandbox layer "
                        "over Windows layer folders through the Host Compute Service; Windows with the Containers "
                        "feature only)."),
         QStringLiteral("NAME"), QStringLiteral("portable")},
    });
    int exitCode = 0;
    if (!cli::parse(parser, args, exitCode))
        return exitCode;
    const QString backend = parser.value(QStringLiteral("backend"));
    if (backend != QStringLiteral("portable") && backend != QStringLiteral("hcs")) {
        cli::printError("--backend takes portable or hcs");
        return cli::BadInput;
    }
    const QStringList positional = parser.positionalArguments();
    PrepareRequest request;
    request.parentless = parser.isSet(QStringLiteral("parentless"));
    if (!parser.isSet(QStringLiteral("workdir")) || positional.size() > 1
        || (positional.isEmpty() && !request.parentless)) {
        cli::printError("scratch prepare needs SOURCE (or --parentless) and --workdir DIR (see --help)");
        return cli::BadInput;
    }
    if (!positional.isEmpty())
        request.source = positional[0].toStdString();
    request.workDir = parser.value(QStringLiteral("workdir")).toStdString();
    request.platform = parser.value(QStringLiteral("platform")).toStdString();
    if (parser.isSet(QStringLiteral("up-to"))) {
        bool ok = false;
        const uint n = parser.value(QStringLiteral("up-to")).toUInt(&ok);
        if (!ok) {
            cli::printError("--up-to takes a layer number (0 = base)");
            return cli::BadInput;
        }
        request.upTo = n;
    }
    return cli::guarded([&] {
        cli::ConsoleProgress progress("preparing " + layerscope::io::pathToUtf8(request.workDir));
        const auto chosen = backend == QStringLiteral("hcs") ? createHcsBackend() : createPortableBackend();
        const PrepareResult result = chosen->prepare(request, progress);
        if (parser.isSet(QStringLiteral("json"))) {
            cli::printJson({{"workdir", layerscope::io::pathToUtf8(result.workDir)},
                            {"layers", result.layers},
                            {"files", result.files},
                            {"directories", result.directories},
                            {"links", result.links},
                            {"bytes", result.bytes},
                            {"notes", result.notes}});
        } else {
            std::string text = "prepared " + layerscope::io::pathToUtf8(result.workDir) + " over "
                + std::to_string(result.layers) + " layer(s): " + std::to_string(result.files) + " files, "
                + std::to_string(result.directories) + " folders, " + std::to_string(result.links) + " links\n";
            for (const auto& note : result.notes)
                text += "  note: " + note + "\n";
            cli::printOut(text);
        }
        return int(cli::Success);
    });
}

int runStatus(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Show what changed in a scratch work folder since prepare. Exit status 1 when anything changed."));
    parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("The work folder."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the changes as JSON.")});
    int exitCode = 0;
    if (!cli::parse(parser, args, exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1) {
        cli::printError("scratch status takes one work folder (see --help)");
        return cli::BadInput;
    }
    const std::string dir = parser.positionalArguments()[0].toStdString();
    return cli::guarded([&] {
        cli::ConsoleProgress progress("scanning " + dir);
        const ScratchStatus status = openBackend(dir)->status(dir, progress);
        if (parser.isSet(QStringLiteral("json")))
            cli::printJson(statusJson(status));
        else
            cli::printOut(statusText(status));
        return int(status.clean() ? cli::Success : cli::Findings);
    });
}

// A container's sandbox.vhdx (issue 12) as the work source: its changes become a delta layer.
bool isDisk(const std::string& path)
{
    std::error_code ec;
    const auto file = std::filesystem::u8path(path);
    return std::filesystem::is_regular_file(file, ec)
        && layerscope::image::detectSource(file).kind == layerscope::image::SourceKind::Disk;
}

int commitDisk(const std::string& disk, const CommitRequest& request, bool json)
{
#if defined(LAYERSCOPE_HAVE_DISKS)
    return cli::guarded([&] {
        cli::ConsoleProgress progress("committing " + disk);
        const layerscope::disk::SandboxCommit commit = layerscope::disk::commitSandbox(
            std::filesystem::u8path(disk), request.layerOut, request.overwrite, progress);
        const auto& c = commit.counts;
        if (json) {
            cli::printJson({{"layer", layerscope::io::pathToUtf8(commit.layer.output)},
                            {"digest", commit.layer.digest},
                            {"diffId", commit.layer.diffId},
                            {"baseLayer", false},
                            {"entries", c.entries},
                            {"whiteouts", c.whiteouts},
                            {"files", c.files},
                            {"bytes", c.bytes}});
        } else {
            cli::printOut("wrote " + layerscope::io::pathToUtf8(commit.layer.output) + " (delta layer from the disk: "
                          + std::to_string(c.files) + " files and streams, " + std::to_string(c.whiteouts)
                          + " deletions, " + std::to_string(c.entries) + " entries)\n  digest   " + commit.layer.digest
                          + "\n  diff_id  " + commit.layer.diffId + "\n");
        }
        return int(cli::Success);
    });
#else
    (void)request;
    (void)json;
    cli::printError(disk + ": is a virtual disk; this build cannot read the NTFS inside disks (LAYERSCOPE_DISKS off)");
    return cli::BadInput;
#endif
}

int runCommit(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Write the changes of a scratch work folder as a new Windows delta layer (a base layer for a parentless "
        "scratch): .tar, .tar.gz or .tar.zst by LAYER's extension. With --image-out, also write a new image: "
        "the parent image plus the new layer. The work folder stays until discarded. DIR may also be a container's "
        "sandbox.vhdx: what the container changed (its real files, folders and tombstones; WCI placeholders left "
        "out) becomes the delta layer."));
    parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("The work folder, or a sandbox.vhdx."));
    parser.addOptions({
        {{QStringLiteral("o"), QStringLiteral("output")},
         QStringLiteral("The layer file to write."),
         QStringLiteral("LAYER")},
        {QStringLiteral("image-out"), QStringLiteral("Also write the new image here."), QStringLiteral("OUT")},
        {QStringLiteral("format"), QStringLiteral("Image format: oci (default) or docker-archive."),
         QStringLiteral("FORMAT")},
        {QStringLiteral("force"), QStringLiteral("Replace outputs that exist.")},
        {QStringLiteral("json"), QStringLiteral("Print the result as JSON.")},
    });
    int exitCode = 0;
    if (!cli::parse(parser, args, exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1 || !parser.isSet(QStringLiteral("output"))) {
        cli::printError("scratch commit needs DIR and -o LAYER (see --help)");
        return cli::BadInput;
    }
    CommitRequest request;
    request.layerOut = parser.value(QStringLiteral("output")).toStdString();
    request.overwrite = parser.isSet(QStringLiteral("force"));
    if (parser.isSet(QStringLiteral("image-out")))
        request.imageOut = parser.value(QStringLiteral("image-out")).toStdString();
    if (parser.isSet(QStringLiteral("format"))) {
        const auto format = layerscope::baselayer::parseFormat(parser.value(QStringLiteral("format")).toStdString());
        if (!format
            || (*format != layerscope::baselayer::OutputFormat::Oci
                && *format != layerscope::baselayer::OutputFormat::DockerArchive)) {
            cli::printError("--format takes oci or docker-archive");
            return cli::BadInput;
        }
        if (!request.imageOut) {
            cli::printError("--format applies to --image-out");
            return cli::BadInput;
        }
        request.imageFormat = *format;
    }
    const std::string dir = parser.positionalArguments()[0].toStdString();
    if (isDisk(dir)) {
        if (request.imageOut) {
            cli::printError("scratch commit: a disk names no parent image, so --image-out needs the layer alone; "
                            "write the layer with -o and add it to an image with your image tools");
            return cli::BadInput;
        }
        return commitDisk(dir, request, parser.isSet(QStringLiteral("json")));
    }
    return cli::guarded([&] {
        cli::ConsoleProgress progress("committing " + dir);
        const CommitResult result = openBackend(dir)->commit(dir, request, progress);
        if (parser.isSet(QStringLiteral("json"))) {
            nlohmann::json json = {{"layer", layerscope::io::pathToUtf8(result.layer)},
                                   {"digest", result.digest},
                                   {"diffId", result.diffId},
                                   {"baseLayer", result.baseLayer},
                                   {"entries", result.entries},
                                   {"whiteouts", result.whiteouts},
                                   {"status", statusJson(result.status)}};
            if (result.image) {
                json["image"] = result.image->string();
                json["imageDigest"] = result.manifestDigest;
                json["configDigest"] = result.configDigest;
            }
            cli::printJson(json);
        } else {
            std::string text = "wrote " + layerscope::io::pathToUtf8(result.layer) + " ("
                + (result.baseLayer ? "base" : "delta") + " layer, " + std::to_string(result.status.added) + " added, "
                + std::to_string(result.status.removed) + " removed, " + std::to_string(result.status.modified)
                + " modified)\n  digest   " + result.digest + "\n  diff_id  " + result.diffId + "\n";
            if (result.image)
                text += "wrote " + result.image->string() + "\n  image    " + result.manifestDigest + "\n  config   "
                    + result.configDigest + "\n";
            cli::printOut(text);
        }
        return int(cli::Success);
    });
}

int runDiscard(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Remove a scratch work folder and its state. Refuses folders without LayerScope scratch state."));
    parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("The work folder."));
    int exitCode = 0;
    if (!cli::parse(parser, args, exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1) {
        cli::printError("scratch discard takes one work folder (see --help)");
        return cli::BadInput;
    }
    const std::string dir = parser.positionalArguments()[0].toStdString();
    return cli::guarded([&] {
        cli::ConsoleProgress progress("discarding " + dir);
        openBackend(dir)->discard(dir, progress);
        cli::printOut("discarded " + dir + "\n");
        return int(cli::Success);
    });
}

} // namespace

int runScratch(const QStringList& args)
{
    if (args.size() < 2 || args[1] == QLatin1String("--help") || args[1] == QLatin1String("-h")) {
        cli::printOut(Usage);
        return args.size() < 2 ? cli::BadInput : cli::Success;
    }
    const QStringList rest = args.mid(1);
    if (args[1] == QLatin1String("prepare"))
        return runPrepare(rest);
    if (args[1] == QLatin1String("status"))
        return runStatus(rest);
    if (args[1] == QLatin1String("commit"))
        return runCommit(rest);
    if (args[1] == QLatin1String("discard"))
        return runDiscard(rest);
    cli::printError("unknown scratch subcommand '" + args[1].toStdString() + "' (prepare, status, commit, discard)");
    return cli::BadInput;
}
