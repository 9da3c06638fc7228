// SPDX-License-Identifier: Apache-2.0
// `layerscope-cli diff`: compare two trees and say whether anything real changed (issue 5).
#include "cliutil.h"
#include "commands.h"

#include "diff/treediff.h"
#include "image/treespec.h"
#include "io/atomicfile.h"
#include "report/diffreport.h"

#include <filesystem>
#include <iostream>
#include <sstream>

namespace {

using namespace layerscope;

void writeFile(const std::string& path, const std::string& bytes, bool force)
{
    io::AtomicFileOptions options;
    options.overwrite = force;
    io::AtomicFile file(std::filesystem::u8path(path), options);
    file.write(bytes.data(), bytes.size());
    file.commit();
}

const char* kRulesHelp = R"(
Exit status: 0 no unexpected differences (expected ones may exist), 1 unexpected differences, 2 error.

A and B: a layer blob (.tar, .tar.gz, .tar.zst, ...), SOURCE@N or SOURCE@sha256:... (one layer of an image source),
an image source or SOURCE@merged (its merged view), an on-disk Windows layer folder, a plain folder (compared as
Files/), or a VHDX/VHD disk (its NTFS volume as Files/). Conventionally A is the original and B the re-export.
A disk as B with anything else as A is read as a container's writable layer (sandbox.vhdx) over A: WCI placeholders
are A's files unchanged, tombstones are deletions, every other entry is an addition or a change. Try
  diff IMAGE@merged sandbox.vhdx      what the container added, changed and deleted

Every difference is classified by named rules (see --list-rules); the built-in ones cover the round-trip noise of
wcow-layer-format §6. A rules file adds your own (JSON):
  [{"name": "temp-files", "glob": "Files/Windows/Temp/**", "fields": ["content", "modified"],
    "kinds": ["changed"], "reason": "scratch output of setup"}]
"glob" (or "globs": [...]) matches the whole path as .gitignore patterns do: * within a path component, ** as a
whole component across components ("**/*.bak", "Files/Temp/**"), ? for one character, [a-z] for one of a set;
"fields" defaults to every field ("*"), "kinds" to added, removed and changed; "reason" is required.
Fields: content size type attributes sddl created modified accessed changed mode linkTarget xattrs streams
hardlinkGroup.
)";

} // namespace

int runDiff(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Compare two trees (layers, image layers, merged images, folders) by path and report what differs, telling "
        "expected round-trip noise from real changes."));
    parser.addOptions({
        {QStringLiteral("json"), QStringLiteral("Print the JSON report.")},
        {QStringLiteral("markdown"), QStringLiteral("Print a Markdown report.")},
        {QStringLiteral("html"), QStringLiteral("Also write a self-contained HTML report to FILE."),
         QStringLiteral("FILE")},
        {QStringLiteral("force"), QStringLiteral("Overwrite the --html FILE if it exists.")},
        {QStringLiteral("strict"), QStringLiteral("Use no rules: every difference is unexpected.")},
        {QStringLiteral("rules"), QStringLiteral("Add the rules in FILE (JSON, see below). Repeatable."),
         QStringLiteral("FILE")},
        {QStringLiteral("no-rule"), QStringLiteral("Turn off the rule NAME. Repeatable."), QStringLiteral("NAME")},
        {QStringLiteral("list-rules"), QStringLiteral("List the rules in effect (with --json: as JSON) and exit.")},
        {QStringLiteral("all"), QStringLiteral("Text output: also list every expected change.")},
        {QStringLiteral("path"),
         QStringLiteral("Compare only PATH (a file or folder, e.g. Files/Windows/System32) and what is below it."),
         QStringLiteral("PATH")},
        {QStringLiteral("platform"),
         QStringLiteral("For multi-platform images: os/arch[:os.version] (default windows/amd64)."),
         QStringLiteral("PLATFORM")},
    });
    parser.addPositionalArgument(QStringLiteral("A"), QStringLiteral("The original tree."));
    parser.addPositionalArgument(QStringLiteral("B"), QStringLiteral("The tree to compare with it."));
    int exitCode = 0;
    const bool wantsHelp = args.contains(QStringLiteral("--help")) || args.contains(QStringLiteral("-h"));
    if (!cli::parse(parser, args, exitCode)) {
        if (wantsHelp && exitCode == cli::Success)
            cli::printOut(kRulesHelp);
        return exitCode;
    }
    const bool json = parser.isSet(QStringLiteral("json"));
    const bool markdown = parser.isSet(QStringLiteral("markdown"));
    if (json && markdown) {
        cli::printError("diff: --json and --markdown both print to standard output; choose one");
        return cli::BadInput;
    }
    if (parser.isSet(QStringLiteral("strict"))
        && (parser.isSet(QStringLiteral("rules")) || parser.isSet(QStringLiteral("no-rule")))) {
        cli::printError("diff: --strict uses no rules; it cannot be combined with --rules or --no-rule");
        return cli::BadInput;
    }

    return cli::guarded([&] {
        diff::DiffRules rules
            = parser.isSet(QStringLiteral("strict")) ? diff::DiffRules::none() : diff::DiffRules::builtin();
        for (const QString& file : parser.values(QStringLiteral("rules")))
            rules.loadFile(std::filesystem::u8path(file.toStdString()));
        for (const QString& name : parser.values(QStringLiteral("no-rule"))) {
            if (!rules.remove(name.toStdString())) {
                cli::printError("diff: no rule named \"" + name.toStdString() + "\" (see --list-rules)");
                return int(cli::BadInput);
            }
        }
        if (parser.isSet(QStringLiteral("list-rules"))) {
            if (json)
                cli::printJson(report::rulesToJson(rules));
            else
                cli::printOut(report::rulesToText(rules));
            return int(cli::Success);
        }
        const QStringList positional = parser.positionalArguments();
        if (positional.size() != 2) {
            cli::printError("diff takes exactly two trees, A and B (see --help)");
            return int(cli::BadInput);
        }

        image::TreeSpecOptions specOptions;
        specOptions.platform = parser.value(QStringLiteral("platform")).toStdString();
        specOptions.hashFiles = true; // content is compared by sha256
        image::ResolvedTree trees[2];
        diff::DiffSide sides[2];
        for (int i = 0; i < 2; ++i) {
            const std::string spec = positional[i].toStdString();
            cli::ConsoleProgress progress("reading " + spec);
            trees[i] = image::resolveTree(spec, specOptions, progress);
        }
        // A container's sandbox disk as B is its writable layer over A (the label says so: "B over A").
        image::overlayWritableDisk(trees[0], trees[1]);
        for (int i = 0; i < 2; ++i)
            sides[i] = diff::DiffSide::of(trees[i], positional[i].toStdString());
        cli::ConsoleProgress progress("comparing");
        const diff::DiffResult result = diff::TreeDiff::compare(
            sides[0], sides[1], rules, parser.value(QStringLiteral("path")).toStdString(), progress);

        if (parser.isSet(QStringLiteral("html"))) {
            std::ostringstream html;
            report::writeDiffHtml(result, html);
            writeFile(parser.value(QStringLiteral("html")).toStdString(), html.str(),
                      parser.isSet(QStringLiteral("force")));
        }
        if (json) {
            report::writeDiffJson(result, std::cout);
        } else if (markdown) {
            report::writeDiffMarkdown(result, std::cout);
        } else {
            report::DiffTextOptions options;
            options.listExpected = parser.isSet(QStringLiteral("all"));
            report::writeDiffText(result, std::cout, options);
        }
        std::cout.flush();
        return int(result.hasUnexpected() ? cli::Findings : cli::Success);
    });
}
