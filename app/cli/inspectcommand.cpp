// SPDX-License-Identifier: Apache-2.0
#include "cliutil.h"
#include "commands.h"

#include "image/chainreport.h"
#include "image/diskinfo.h"
#include "image/imagesource.h"
#include "image/sourcedetector.h"
#include "index/layerscan.h"
#include "report/inspectreport.h"

#if defined(LAYERSCOPE_HAVE_DISKS)
#include "disk/diskscan.h"
#include "report/entryjson.h"
#endif

#include <filesystem>
#include <iostream>

namespace {

#if defined(LAYERSCOPE_HAVE_DISKS)
// A bare VHDX/VHD: the disk's summary (as `chain` shows it) and what its NTFS volume holds. A disk whose volume
// cannot be read (no NTFS, a missing parent, a damaged header) is unreadable input: exit 2. Entries that could not
// be read are listed as problems: exit 1.
int printDisk(const std::string& path, bool json, bool entries)
{
    cli::ConsoleProgress progress("reading " + path);
    layerscope::image::OpenOptions open;
    open.progress = &progress;
    auto image = layerscope::image::ImageSource::open(path, open);
    layerscope::index::ScanOptions options;
    options.progress = &progress;
    options.hashFiles = false; // opening a disk reads no file data
    const auto scan = layerscope::disk::scanDisk(path, options);
    if (json) {
        auto out = layerscope::image::chainToJson(image->image());
        nlohmann::json volume = {{"size", scan.uncompressedSize},
                                 {"totalBytes", scan.totalBytes},
                                 {"counts", layerscope::report::countsToJson(scan.counts)},
                                 {"problems", layerscope::report::problemsToJson(scan.problems)},
                                 {"warnings", scan.warnings}};
        if (entries) {
            nlohmann::json list = nlohmann::json::array();
            for (const auto& record : scan.index.records())
                list.push_back(layerscope::report::entryToJson(scan.index, record));
            volume["entries"] = std::move(list);
        }
        out["volume"] = std::move(volume);
        cli::printJson(out);
    } else {
        std::string text = layerscope::image::chainToText(image->image());
        const auto& c = scan.counts;
        text += "NTFS volume: " + std::to_string(c.entries) + " entries (" + std::to_string(c.files) + " files, "
            + std::to_string(c.directories) + " folders, " + std::to_string(c.hardlinks) + " hard links, "
            + std::to_string(c.streams) + " streams, " + std::to_string(c.symlinks) + " symlinks, "
            + std::to_string(c.junctions) + " junctions, " + std::to_string(c.whiteouts) + " tombstones), "
            + std::to_string(scan.totalBytes) + " bytes in files and streams\n";
        for (const auto& warning : scan.warnings)
            text += "warning: " + warning + "\n";
        for (const auto& problem : scan.problems)
            text += "problem: " + problem.path + ": " + problem.message + "\n";
        if (entries)
            for (const auto& record : scan.index.records())
                text += scan.index.path(record.node) + "\n";
        cli::printOut(text);
    }
    return scan.problems.empty() ? int(cli::Success) : int(cli::Findings);
}
#endif

} // namespace

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
#if defined(LAYERSCOPE_HAVE_DISKS)
        // Regular files only: anything else is refused by the image source's own open, before anything is read.
        std::error_code ec;
        if (std::filesystem::is_regular_file(path, ec)
            && layerscope::image::detectDiskFormat(path) != layerscope::image::DiskFormat::None)
            return printDisk(path, parser.isSet(QStringLiteral("json")), parser.isSet(QStringLiteral("entries")));
#endif
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
