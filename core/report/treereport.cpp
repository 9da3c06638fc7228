// SPDX-License-Identifier: Apache-2.0
#include "report/treereport.h"

#include "index/mergedtree.h"
#include "report/entryjson.h"
#include "report/jsonstreamwriter.h"
#include "wcow/fileattributes.h"
#include "wcow/paxtime.h"

#include <cstdio>
#include <unordered_map>

namespace layerscope::report {

using index::NodeId;
using index::TreeIndex;

namespace {

bool within(const TreeIndex& tree, NodeId node, NodeId top)
{
    for (NodeId n = node; n != index::InvalidNode; n = tree.parent(n)) {
        if (n == top)
            return true;
        if (n == tree.root())
            break;
    }
    return false;
}

char typeLetter(wcow::EntryType type)
{
    using wcow::EntryType;
    switch (type) {
    case EntryType::File:
        return '-';
    case EntryType::Directory:
        return 'd';
    case EntryType::Symlink:
        return 'l';
    case EntryType::Junction:
        return 'j';
    case EntryType::Hardlink:
        return 'h';
    case EntryType::Whiteout:
        return 'w';
    case EntryType::Stream:
        return 's';
    case EntryType::Other:
        break;
    }
    return '?';
}

} // namespace

std::vector<const TreeIndex::Record*> listRecords(const TreeIndex& tree, NodeId top, bool tarOrder)
{
    std::vector<const TreeIndex::Record*> records;
    if (tarOrder) {
        for (const auto& r : tree.records())
            if (top == tree.root() || within(tree, r.node, top))
                records.push_back(&r);
        return records;
    }
    std::vector<NodeId> stack {top};
    while (!stack.empty()) {
        const NodeId n = stack.back();
        stack.pop_back();
        if (const auto* r = tree.record(n))
            records.push_back(r);
        const auto children = tree.children(n);
        for (size_t i = children.size(); i-- > 0;)
            stack.push_back(children[i]);
    }
    return records;
}

nlohmann::json treeToJson(const TreeListing& listing)
{
    nlohmann::json entries = nlohmann::json::array();
    for (const auto* r : listing.records) {
        auto e = entryToJson(*listing.tree, *r);
        if (!listing.layer)
            e["layer"] = r->layer;
        entries.push_back(std::move(e));
    }
    return {{"source", listing.source},
            {"kind", listing.kind},
            {"view", listing.layer ? "layer" : "merged"},
            {"layer", listing.layer ? nlohmann::json(*listing.layer) : nlohmann::json(nullptr)},
            {"path", listing.path.empty() ? nlohmann::json(nullptr) : nlohmann::json(listing.path)},
            {"entries", std::move(entries)}};
}

void writeTreeJson(const TreeListing& listing, std::ostream& stream)
{
    // Members in the order nlohmann prints treeToJson's (sorted by name).
    JsonStreamWriter out(stream);
    out.beginObject();
    out.key("entries");
    out.beginArray();
    for (const auto* r : listing.records)
        writeEntryJson(out, *listing.tree, *r, listing.layer ? std::nullopt : std::optional<uint16_t>(r->layer));
    out.endArray();
    out.key("kind");
    out.value(listing.kind);
    out.key("layer");
    if (listing.layer)
        out.value(uint64_t(*listing.layer));
    else
        out.null();
    out.key("path");
    if (listing.path.empty())
        out.null();
    else
        out.value(listing.path);
    out.key("source");
    out.value(listing.source);
    out.key("view");
    out.value(listing.layer ? "layer" : "merged");
    out.endObject();
    out.finish();
}

void writeTreeText(const TreeListing& listing, std::ostream& stream)
{
    const TreeIndex& tree = *listing.tree;
    std::string out;
    // Listings go folder by folder: a folder's path is built once for all its entries, and each line is put
    // together by hand (a million lines; snprintf and the temporaries cost more than the rest of the listing).
    NodeId folder = index::InvalidNode;
    std::string folderPath;
    std::unordered_map<uint32_t, std::string> letters; // attribute mask -> letters
    for (const auto* r : listing.records) {
        out += typeLetter(r->type);
        out += ' ';
        std::string_view attributes = "-";
        if (r->has(TreeIndex::Record::HasAttributes)) {
            auto it = letters.find(r->attributes);
            if (it == letters.end())
                it = letters.emplace(r->attributes, wcow::attributeLetters(r->attributes)).first;
            attributes = it->second;
        }
        out += attributes;
        out.append(attributes.size() < 6 ? 6 - attributes.size() : 0, ' ');
        const std::string size = std::to_string(r->size);
        out.append(size.size() < 13 ? 13 - size.size() : 1, ' ');
        out += size;
        out += "  ";
        if (!listing.layer) {
            out += 'L';
            out += std::to_string(r->layer);
            out += "  ";
        }
        out += wcow::formatRfc3339(tree.modified(*r));
        out += "  ";
        if (const NodeId parent = tree.parent(r->node); parent != folder) {
            folder = parent;
            folderPath = parent == tree.root() ? std::string() : tree.path(parent);
        }
        if (!folderPath.empty()) {
            out += folderPath;
            out += '/';
        }
        out += tree.name(r->node);
        const auto target = tree.linkTarget(*r);
        if (!target.empty()) {
            out += " -> ";
            out += target;
        }
        if (const std::string reason = index::unreadableReason(tree, *r); !reason.empty())
            out += "  [unreadable: " + reason + "]";
        out += '\n';
        // Written out in pieces: a million lines are ~150 MB of text.
        if (out.size() >= 64 * 1024) {
            stream.write(out.data(), std::streamsize(out.size()));
            out.clear();
        }
    }
    stream.write(out.data(), std::streamsize(out.size()));
}

} // namespace layerscope::report
