// SPDX-License-Identifier: Apache-2.0
#include "cliutil.h"
#include "commands.h"

#include "image/imageanalysis.h"
#include "image/imagesource.h"
#include "report/entryjson.h"
#include "wcow/fileattributes.h"
#include "wcow/paxtime.h"

#include <cstdio>
#include <optional>

namespace {

using layerscope::index::NodeId;
using layerscope::index::TreeIndex;

// Nodes of the subtree at `top` in path order (children are sorted), parents before children.
std::vector<NodeId> subtree(const TreeIndex& tree, NodeId top)
{
    std::vector<NodeId> out;
    std::vector<NodeId> stack {top};
    while (!stack.empty()) {
        const NodeId n = stack.back();
        stack.pop_back();
        out.push_back(n);
        const auto children = tree.children(n);
        for (auto it = children.rbegin(); it != children.rend(); ++it)
            stack.push_back(*it);
    }
    return out;
}

bool within(const TreeIndex& tree, NodeId node, NodeId top)
{
    for (NodeId n = node; n != layerscope::index::InvalidNode; n = tree.parent(n)) {
        if (n == top)
            return true;
        if (n == tree.root())
            break;
    }
    return false;
}

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

std::string textLine(const TreeIndex& tree, const TreeIndex::Record& r, std::optional<size_t> layer)
{
    using layerscope::wcow::EntryType;
    char type = '?';
    switch (r.type) {
    case EntryType::File:
        type = '-';
        break;
    case EntryType::Directory:
        type = 'd';
        break;
    case EntryType::Symlink:
        type = 'l';
        break;
    case EntryType::Junction:
        type = 'j';
        break;
    case EntryType::Hardlink:
        type = 'h';
        break;
    case EntryType::Whiteout:
        type = 'w';
        break;
    case EntryType::Stream:
        type = 's';
        break;
    case EntryType::Other:
        break;
    }
    const std::string attributes
        = r.has(TreeIndex::Record::HasAttributes) ? layerscope::wcow::attributeLetters(r.attributes) : std::string("-");
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "%c %-6s %12llu  ", type, attributes.c_str(),
                  static_cast<unsigned long long>(r.size));
    std::string out = buffer;
    if (layer)
        out += "L" + std::to_string(*layer) + "  ";
    out += layerscope::wcow::formatRfc3339(r.modified) + "  " + tree.path(r.node);
    const auto target = tree.linkTarget(r);
    if (!target.empty())
        out += " -> " + std::string(target);
    return out + '\n';
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
        std::vector<const TreeIndex::Record*> records;
        if (layerNumber) {
            for (const auto& r : tree.records())
                if (prefix.empty() || within(tree, r.node, top))
                    records.push_back(&r);
        } else {
            for (NodeId n : subtree(tree, top))
                if (const auto* r = tree.record(n))
                    records.push_back(r);
        }

        if (parser.isSet(QStringLiteral("json"))) {
            nlohmann::json entries = nlohmann::json::array();
            for (const auto* r : records) {
                auto e = layerscope::report::entryToJson(tree, *r);
                if (!layerNumber)
                    e["layer"] = r->layer;
                entries.push_back(std::move(e));
            }
            nlohmann::json out = {{"source", image->image().source},
                                  {"kind", layerscope::image::sourceKindName(image->kind())},
                                  {"view", layerNumber ? "layer" : "merged"},
                                  {"layer", layerNumber ? nlohmann::json(*layerNumber) : nlohmann::json(nullptr)},
                                  {"path", prefix.empty() ? nlohmann::json(nullptr) : nlohmann::json(prefix)},
                                  {"entries", std::move(entries)}};
            cli::printJson(out);
        } else {
            std::string text;
            for (const auto* r : records)
                text += textLine(tree, *r, layerNumber ? std::nullopt : std::optional<size_t>(r->layer));
            cli::printOut(text);
        }
        return int(cli::Success);
    });
}
