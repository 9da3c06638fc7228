// SPDX-License-Identifier: Apache-2.0
#include "cliutil.h"
#include "commands.h"

#include "image/imagesource.h"
#include "space/spaceanalyzer.h"
#include "space/spaceoutput.h"

#include <cmath>
#include <optional>

namespace {

// "1048576", "20MB" (10^6), "20MiB" (2^20), "1.5 GiB", "500k": the forms dive's --highestWastedBytes takes.
std::optional<uint64_t> parseSize(const QString& text)
{
    const QString t = text.trimmed().toLower();
    qsizetype digits = 0;
    while (digits < t.size() && (t[digits].isDigit() || t[digits] == QLatin1Char('.')))
        ++digits;
    bool ok = false;
    const double number = t.left(digits).toDouble(&ok);
    if (!ok || number < 0)
        return std::nullopt;
    const QString unit = t.mid(digits).trimmed();
    static const std::pair<const char*, double> units[] = {
        {"", 1},
        {"b", 1},
        {"k", 1e3},
        {"kb", 1e3},
        {"kib", 1024.0},
        {"m", 1e6},
        {"mb", 1e6},
        {"mib", 1048576.0},
        {"g", 1e9},
        {"gb", 1e9},
        {"gib", 1073741824.0},
        {"t", 1e12},
        {"tb", 1e12},
        {"tib", 1099511627776.0},
    };
    for (const auto& [name, factor] : units)
        if (unit == QLatin1String(name)) {
            const double bytes = std::floor(number * factor);
            if (bytes > 1.8e19)
                return std::nullopt;
            return uint64_t(bytes);
        }
    return std::nullopt;
}

} // namespace

int runSpace(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Show where the bytes of an image source go: per layer what it adds, changes, removes and what later layers "
        "hide; the efficiency score as dive computes it and the exact hidden bytes; duplicate files; Windows hot "
        "spots; the base/servicing/application split. With --min-efficiency or --max-wasted it is a CI gate: "
        "exit 1 when a threshold is crossed."));
    parser.addOptions({
        {QStringLiteral("json"), QStringLiteral("Print JSON instead of text.")},
        {QStringLiteral("top"),
         QStringLiteral("How many wasted paths, duplicate groups and paths per hot spot to list "
                        "(default 10)."),
         QStringLiteral("N")},
        {QStringLiteral("min-efficiency"),
         QStringLiteral("Fail (exit 1) when dive's efficiency score is below this fraction, e.g. 0.95."),
         QStringLiteral("FRACTION")},
        {QStringLiteral("max-wasted"),
         QStringLiteral("Fail (exit 1) when dive's wasted bytes exceed SIZE (1048576, 20MB, 20MiB, 1.5GiB)."),
         QStringLiteral("SIZE")},
        {QStringLiteral("rules"),
         QStringLiteral("Add the hot-spot rules of a JSON file (see --print-rules for the format); repeatable."),
         QStringLiteral("FILE")},
        {QStringLiteral("no-default-rules"), QStringLiteral("Measure only the rules given with --rules.")},
        {QStringLiteral("no-hash"),
         QStringLiteral("Do not hash files: faster, but duplicate content is not looked for.")},
        {QStringLiteral("print-rules"), QStringLiteral("Print the built-in hot-spot rules file and exit.")},
        {QStringLiteral("platform"),
         QStringLiteral("Pick one platform of a multi-platform image (default windows/amd64)."),
         QStringLiteral("os/arch[:os.version]")},
    });
    parser.addPositionalArgument(QStringLiteral("SOURCE"), QStringLiteral("The image source or layer to measure."));
    int exitCode = 0;
    if (!cli::parse(parser, args, exitCode))
        return exitCode;
    if (parser.isSet(QStringLiteral("print-rules"))) {
        cli::printOut(std::string(layerscope::space::HotSpotRules::builtinJson()) + '\n');
        return cli::Success;
    }
    if (parser.positionalArguments().size() != 1) {
        cli::printError("space takes exactly one SOURCE (see --help)");
        return cli::BadInput;
    }
    layerscope::space::SpaceOptions options;
    if (parser.isSet(QStringLiteral("top"))) {
        bool ok = false;
        const int top = parser.value(QStringLiteral("top")).toInt(&ok);
        if (!ok || top < 0 || top > 100000) {
            cli::printError("--top takes a count from 0 to 100000");
            return cli::BadInput;
        }
        options.top = size_t(top);
    }
    options.hashFiles = !parser.isSet(QStringLiteral("no-hash"));
    std::optional<double> minEfficiency;
    if (parser.isSet(QStringLiteral("min-efficiency"))) {
        bool ok = false;
        const double value = parser.value(QStringLiteral("min-efficiency")).toDouble(&ok);
        if (!ok || !(value >= 0.0 && value <= 1.0)) {
            cli::printError("--min-efficiency takes a fraction from 0 to 1, e.g. 0.95");
            return cli::BadInput;
        }
        minEfficiency = value;
    }
    std::optional<uint64_t> maxWasted;
    if (parser.isSet(QStringLiteral("max-wasted"))) {
        maxWasted = parseSize(parser.value(QStringLiteral("max-wasted")));
        if (!maxWasted) {
            cli::printError("--max-wasted takes a size such as 1048576, 20MB, 20MiB or 1.5GiB");
            return cli::BadInput;
        }
    }
    const std::string source = parser.positionalArguments().front().toStdString();
    const bool json = parser.isSet(QStringLiteral("json"));

    return cli::guarded([&] {
        auto rules = parser.isSet(QStringLiteral("no-default-rules")) ? layerscope::space::HotSpotRules::none()
                                                                      : layerscope::space::HotSpotRules::builtin();
        for (const QString& file : parser.values(QStringLiteral("rules")))
            rules.loadFile(file.toStdString());
        cli::ConsoleProgress progress("reading " + source);
        layerscope::image::OpenOptions open;
        open.platform = parser.value(QStringLiteral("platform")).toStdString();
        open.progress = &progress;
        auto image = layerscope::image::ImageSource::open(source, open);
        const auto report = layerscope::space::analyzeImageSpace(*image, rules, options, progress);

        // The gate, as dive's --ci: each threshold crossed is one failure.
        std::vector<std::string> failures;
        if (minEfficiency && report.efficiency < *minEfficiency)
            failures.push_back("efficiency " + std::to_string(report.efficiency) + " is below "
                               + std::to_string(*minEfficiency));
        if (maxWasted && report.diveWastedBytes > *maxWasted)
            failures.push_back("wasted " + std::to_string(report.diveWastedBytes) + " bytes exceed "
                               + std::to_string(*maxWasted));
        if (json) {
            auto doc = layerscope::space::spaceToJson(report, source);
            if (minEfficiency || maxWasted) {
                nlohmann::json gate = {{"passed", failures.empty()}, {"failures", failures}};
                gate["minEfficiency"] = minEfficiency ? nlohmann::json(*minEfficiency) : nlohmann::json(nullptr);
                gate["maxWastedBytes"] = maxWasted ? nlohmann::json(*maxWasted) : nlohmann::json(nullptr);
                doc["gate"] = gate;
            }
            cli::printJson(doc);
        } else {
            std::string text = layerscope::space::spaceToText(report, source);
            if (minEfficiency || maxWasted) {
                text += "\nGate: " + std::string(failures.empty() ? "PASS" : "FAIL") + "\n";
                for (const auto& f : failures)
                    text += "  " + f + "\n";
            }
            cli::printOut(text);
        }
        return int(failures.empty() ? cli::Success : cli::Findings);
    });
}
