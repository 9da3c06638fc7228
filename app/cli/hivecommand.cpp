// SPDX-License-Identifier: Apache-2.0
#include "cliutil.h"
#include "commands.h"

#include "common/error.h"
#include "hive/hivediff.h"
#include "hive/hivereader.h"
#include "image/imagesource.h"
#include "image/mergedregistry.h"
#include "index/entrydata.h"
#include "io/atomicfile.h"

#include <future>

namespace {

using layerscope::hive::HiveReader;

// A hive file, or with `entry` the hive stored at that path in a layer.
HiveReader readHive(const std::string& file, const QString& entry)
{
    if (entry.isEmpty())
        return HiveReader::fromFile(file);
    const auto bytes = layerscope::index::readEntryData(file, entry.toStdString(), HiveReader::kMaxHiveSize + 1);
    if (bytes.size() > HiveReader::kMaxHiveSize)
        throw layerscope::Error({file, {}, entry.toStdString(), {}}, "hive is larger than the 512 MiB this tool reads");
    return HiveReader(bytes);
}

// `hive diff A B`: the registry-level comparison of issue 13.
int runHiveDiff(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Compare two registry hives key by key and value by value (names case-insensitively, as Windows does). "
        "Last-written times, sequence numbers and the header time stamp change on every save and are reported "
        "apart as noise. Exit 0 when the registry content is equal (identical, or rewritten with only noise "
        "differing), 1 when keys, values, class names, security or layer flags differ, 2 when a hive cannot be "
        "read."));
    parser.addOptions({
        {QStringLiteral("json"), QStringLiteral("Print JSON instead of text.")},
        {QStringLiteral("entry"),
         QStringLiteral("Read both hives from this entry of the layers given as A and B "
                        "(e.g. Files/Windows/System32/config/SYSTEM)."),
         QStringLiteral("PATH")},
        {QStringLiteral("entry-a"), QStringLiteral("The entry of A (overrides --entry for A)."),
         QStringLiteral("PATH")},
        {QStringLiteral("entry-b"), QStringLiteral("The entry of B (overrides --entry for B)."),
         QStringLiteral("PATH")},
        {QStringLiteral("timestamps"), QStringLiteral("Also list every key whose only difference is its time.")},
    });
    parser.addPositionalArgument(QStringLiteral("A"), QStringLiteral("The original hive (or layer with --entry)."));
    parser.addPositionalArgument(QStringLiteral("B"), QStringLiteral("The hive to compare with it."));
    int exitCode = 0;
    if (!cli::parse(parser, args, exitCode))
        return exitCode;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2) {
        cli::printError("hive diff takes exactly two hives, A and B (see hive diff --help)");
        return cli::BadInput;
    }
    const QString entry = parser.value(QStringLiteral("entry"));
    const QString entryA = parser.isSet(QStringLiteral("entry-a")) ? parser.value(QStringLiteral("entry-a")) : entry;
    const QString entryB = parser.isSet(QStringLiteral("entry-b")) ? parser.value(QStringLiteral("entry-b")) : entry;
    return cli::guarded([&] {
        // The two hives are read and parsed at the same time: parsing is most of the work (tests/bench/hivediff.sh).
        auto readB = std::async(std::launch::async, [&] { return readHive(positional[1].toStdString(), entryB); });
        const HiveReader a = readHive(positional[0].toStdString(), entryA);
        const HiveReader b = readB.get();
        for (const auto* side : {&a, &b})
            if (!side->root())
                throw layerscope::Error(
                    {(side == &a ? positional[0] : positional[1]).toStdString(),
                     {},
                     (side == &a ? entryA : entryB).toStdString(),
                     side->problems().empty() ? 0 : side->problems().front().offset},
                    "not a readable hive: "
                        + (side->problems().empty() ? std::string("no root key") : side->problems().front().message));
        cli::ConsoleProgress progress("comparing");
        const layerscope::hive::HiveDiff diff(a, b, progress);
        const bool timestamps = parser.isSet(QStringLiteral("timestamps"));
        if (parser.isSet(QStringLiteral("json")))
            cli::printJson(diff.toJson(timestamps ? SIZE_MAX : 0));
        else
            cli::printOut(diff.toText(timestamps));
        return int(diff.verdict() == layerscope::hive::HiveDiff::Verdict::Different ? cli::Findings : cli::Success);
    });
}

// `hive merged SOURCE HIVE`: the registry a container of the image sees (issue 13).
int runHiveMerged(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Show one system hive of an image as its containers see it: the base layer's "
        "Files/Windows/System32/config/HIVE with every upper layer's Hives/*_Delta applied (deleted keys and values "
        "removed, superseding keys hiding what is below them). The view is derived: no layer ships these bytes, and "
        "security descriptors and times are not merged. Exit 0, or 2 when the image or a hive cannot be read."));
    parser.addOptions({
        {QStringLiteral("json"), QStringLiteral("Print JSON instead of text.")},
        {{QStringLiteral("o"), QStringLiteral("output")},
         QStringLiteral("Also write the merged view as a hive file (for hivexsh, regedit's Load Hive, hive diff)."),
         QStringLiteral("FILE")},
        {QStringLiteral("force"), QStringLiteral("Replace FILE if it exists.")},
        {QStringLiteral("platform"),
         QStringLiteral("Pick one platform of a multi-platform image (default windows/amd64)."),
         QStringLiteral("os/arch[:os.version]")},
    });
    parser.addPositionalArgument(QStringLiteral("SOURCE"),
                                 QStringLiteral("An image: OCI layout, docker save archive, layer or layer folder."));
    parser.addPositionalArgument(QStringLiteral("HIVE"), QStringLiteral("DEFAULT, SAM, SECURITY, SOFTWARE or SYSTEM."));
    int exitCode = 0;
    if (!cli::parse(parser, args, exitCode))
        return exitCode;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2) {
        cli::printError("hive merged takes an image SOURCE and a HIVE name (see hive merged --help)");
        return cli::BadInput;
    }
    return cli::guarded([&] {
        const std::string source = positional[0].toStdString();
        cli::ConsoleProgress progress("reading " + source);
        layerscope::image::OpenOptions open;
        open.platform = parser.value(QStringLiteral("platform")).toStdString();
        open.progress = &progress;
        const auto image = layerscope::image::ImageSource::open(std::filesystem::u8path(source), open);
        const auto merged = layerscope::image::mergeSystemHive(*image, positional[1].toUpper().toStdString(), progress);
        if (parser.isSet(QStringLiteral("output"))) {
            layerscope::io::AtomicFileOptions options;
            options.overwrite = parser.isSet(QStringLiteral("force"));
            layerscope::io::AtomicFile file(
                std::filesystem::u8path(parser.value(QStringLiteral("output")).toStdString()), options);
            file.write(merged.bytes.data(), merged.bytes.size());
            file.commit();
        }
        const HiveReader reader(merged.bytes);
        if (parser.isSet(QStringLiteral("json"))) {
            nlohmann::json out = reader.toJson();
            out["derived"] = true;
            out["mergedFrom"] = merged.parts;
            cli::printJson(out);
        } else {
            std::string text = "merged view of " + merged.name + " (derived) from:\n";
            for (const std::string& part : merged.parts)
                text += "  " + part + "\n";
            cli::printOut(text + "\n" + reader.toText());
        }
        return int(cli::Success);
    });
}

} // namespace

int runHive(const QStringList& args)
{
    if (args.size() > 1 && args[1] == QStringLiteral("diff")) {
        QStringList sub = args.mid(1);
        sub[0] = QStringLiteral("hive diff"); // the usage line names the command this way
        return runHiveDiff(sub);
    }
    if (args.size() > 1 && args[1] == QStringLiteral("merged")) {
        QStringList sub = args.mid(1);
        sub[0] = QStringLiteral("hive merged");
        return runHiveMerged(sub);
    }
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Validate and dump a registry hive: key paths, value names, types and data. Exit 0 when the hive is valid, "
        "1 when it is structurally invalid (each problem listed), 2 when it cannot be read. "
        "`hive diff A B` compares two hives (see hive diff --help); `hive merged SOURCE HIVE` shows a system hive "
        "of an image with every layer's delta applied (see hive merged --help)."));
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
        const HiveReader reader = readHive(file, parser.value(QStringLiteral("entry")));
        if (parser.isSet(QStringLiteral("json")))
            cli::printJson(reader.toJson());
        else
            cli::printOut(reader.toText());
        return int(reader.valid() ? cli::Success : cli::Findings);
    });
}
