// SPDX-License-Identifier: Apache-2.0
#include "diff/diffresult.h"

#include "common/sha256.h"
#include "wcow/casefold.h"
#include "wcow/fileattributes.h"
#include "wcow/paxtime.h"

#include <cstdio>

namespace layerscope::diff {

using Record = index::TreeIndex::Record;

const HiveComparison* DiffResult::hive(const Change& change) const
{
    if (m_hives.empty() || m_changes.empty() || &change < m_changes.data()
        || &change >= m_changes.data() + m_changes.size())
        return nullptr;
    const auto it = m_hives.find(size_t(&change - m_changes.data()));
    return it == m_hives.end() ? nullptr : it->second.get();
}

std::string DiffResult::path(const Change& change) const
{
    if (change.a != index::InvalidNode)
        return m_a.tree->path(change.a);
    if (change.b != index::InvalidNode)
        return m_b.tree->path(change.b);
    return {};
}

const Record* DiffResult::record(const Change& change, Side side) const
{
    const index::NodeId node = side == Side::A ? change.a : change.b;
    if (node == index::InvalidNode)
        return nullptr;
    return (side == Side::A ? m_a : m_b).tree->record(node);
}

namespace {

std::string timeValue(const std::optional<wcow::PaxTime>& t)
{
    return t ? wcow::formatRfc3339(*t) : std::string("(none)");
}

} // namespace

std::string DiffResult::value(const Change& change, Field field, Side side) const
{
    const Record* raw = record(change, side);
    if (!raw)
        return "(absent)";
    const index::TreeIndex& tree = *(side == Side::A ? m_a : m_b).tree;
    // Data and metadata of a hard link are its file's, as the comparison saw them.
    const Record& r = raw->type == wcow::EntryType::Hardlink ? HardlinkGroups::effective(tree, *raw) : *raw;
    const index::NodeId node = side == Side::A ? change.a : change.b;
    switch (field) {
    case Field::Content:
        if (r.type != wcow::EntryType::File && r.type != wcow::EntryType::Stream)
            return "(no data)";
        return r.has(Record::HasHash) ? toDigestString(r.sha256) : std::string("(not hashed)");
    case Field::Size:
        return std::to_string(r.size);
    case Field::Type:
        return wcow::entryTypeName(raw->type);
    case Field::Attributes: {
        if (!r.has(Record::HasAttributes))
            return "(none)";
        char hex[16];
        std::snprintf(hex, sizeof hex, "0x%x", r.attributes);
        std::string out = hex;
        const auto names = wcow::attributeNames(r.attributes);
        if (!names.empty()) {
            out += " (";
            for (size_t i = 0; i < names.size(); ++i)
                out += (i ? "|" : "") + names[i];
            out += ')';
        }
        return out;
    }
    case Field::Sddl: {
        const auto sddl = tree.sddl(r);
        return sddl.empty() ? std::string("(none)") : std::string(sddl);
    }
    case Field::Created:
        return timeValue(tree.created(r));
    case Field::Modified:
        return wcow::formatRfc3339(tree.modified(r));
    case Field::Accessed:
        return timeValue(tree.accessed(r));
    case Field::Changed:
        return timeValue(tree.changed(r));
    case Field::Mode: {
        char octal[16];
        std::snprintf(octal, sizeof octal, "0%o", raw->mode);
        return octal;
    }
    case Field::LinkTarget: {
        const auto target = tree.linkTarget(*raw);
        return target.empty() ? std::string("(none)") : std::string(target);
    }
    case Field::Xattrs: {
        const auto xattrs = tree.xattrs(r);
        if (xattrs.empty())
            return "(none)";
        std::string out;
        for (const auto& [name, value] : xattrs) {
            if (!out.empty())
                out += ", ";
            out += name + " (" + toHex(std::span(reinterpret_cast<const uint8_t*>(value.data()), value.size())) + ")";
        }
        return out;
    }
    case Field::Streams: {
        // Streams are siblings named "<owner>:<stream>" (wcow-layer-format §1.6).
        const std::string owner = std::string(tree.name(node)) + ':';
        const std::string ownerKey = m_fold ? wcow::foldCase(owner) : owner;
        std::string out;
        for (index::NodeId sibling : tree.children(tree.parent(node))) {
            const std::string_view name = tree.name(sibling);
            const Record* s = tree.record(sibling);
            if (!s || s->type != wcow::EntryType::Stream || name.size() <= owner.size())
                continue;
            const std::string prefix(name.substr(0, owner.size()));
            if ((m_fold ? wcow::foldCase(prefix) : prefix) != ownerKey)
                continue;
            if (!out.empty())
                out += ", ";
            out += name.substr(owner.size());
        }
        return out.empty() ? std::string("(none)") : out;
    }
    case Field::HardlinkGroup: {
        const HardlinkGroups& groups = side == Side::A ? *m_groupsA : *m_groupsB;
        const std::string p = tree.path(node);
        const auto* group = groups.groupOf(m_fold ? wcow::foldCase(p) : p);
        if (!group)
            return "(none)";
        std::string out;
        for (const auto& m : *group) {
            if (!out.empty())
                out += ", ";
            out += m.path;
        }
        return out;
    }
    case Field::Count:
        break;
    }
    return {};
}

} // namespace layerscope::diff
