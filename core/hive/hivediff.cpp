// SPDX-License-Identifier: Apache-2.0
#include "hive/hivediff.h"

#include "common/error.h"
#include "hive/bcdnames.h"
#include "hive/hiveformat.h"
#include "hive/hivevalue.h"
#include "wcow/securitydescriptor.h"

#include <algorithm>
#include <utility>

namespace layerscope::hive {

namespace {

using Key = HiveReader::Key;
using Value = HiveReader::Value;

// nk flag 0x20 and vk flag 0x1 only say how a name is stored (regf-hive-format §6, §8): representation.
constexpr uint16_t kKeyFlagsCompared = uint16_t(~kKeyCompressedName);
constexpr uint16_t kValueFlagsCompared = uint16_t(~kValueCompressedName);

// The matching key of a name: Windows compares names upper-cased unit by unit (§7). Most names are ASCII, where
// upper-casing the UTF-8 bytes gives the same equality without a round trip through UTF-16.
std::string foldName(const std::string& name)
{
    if (std::all_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
        std::string out(name);
        for (char& c : out)
            if (c >= 'a' && c <= 'z')
                c = char(c - 'a' + 'A');
        return out;
    }
    return utf16ToUtf8(upcase(utf8ToUtf16(name)));
}

// Pairs two lists by folded name: (index in A or -1, index in B or -1), in name order. Duplicate names (a
// malformed hive) pair up in list order.
template<typename T> std::vector<std::pair<int, int>> matchByName(const std::vector<T>& a, const std::vector<T>& b)
{
    using Keyed = std::pair<std::string, int>;
    auto keyed = [](const std::vector<T>& list) {
        std::vector<Keyed> out;
        out.reserve(list.size());
        for (size_t i = 0; i < list.size(); ++i)
            out.emplace_back(foldName(list[i].name), int(i));
        std::sort(out.begin(), out.end());
        return out;
    };
    const std::vector<Keyed> ka = keyed(a), kb = keyed(b);
    std::vector<std::pair<int, int>> out;
    out.reserve(std::max(ka.size(), kb.size()));
    size_t i = 0, j = 0;
    while (i < ka.size() || j < kb.size()) {
        if (j == kb.size() || (i < ka.size() && ka[i].first < kb[j].first))
            out.emplace_back(ka[i++].second, -1);
        else if (i == ka.size() || kb[j].first < ka[i].first)
            out.emplace_back(-1, kb[j++].second);
        else
            out.emplace_back(ka[i++].second, kb[j++].second);
    }
    return out;
}

uint64_t countKeys(const Key& key)
{
    uint64_t n = 1;
    for (const Key& k : key.subkeys)
        n += countKeys(k);
    return n;
}

std::string join(const std::string& path, const std::string& name)
{
    return path.empty() ? name : path + "\\" + name;
}

// Names may hold control characters (a Windows-written sample has "zero\0key"): keep text on one line.
std::string printable(const std::string& s)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (char c : s) {
        if (static_cast<unsigned char>(c) >= 0x20)
            out.push_back(c);
        else if (c == 0)
            out += "\\0";
        else
            out += std::string("\\x") + digits[static_cast<unsigned char>(c) >> 4] + digits[c & 15];
    }
    return out;
}

std::string valueLabel(const std::string& name)
{
    return name.empty() ? std::string("@") : "\"" + printable(name) + "\"";
}

std::string hex(uint32_t v)
{
    return hexOffset(v);
}

std::string layerBitsText(uint8_t bits)
{
    // registry-delta-hives §3.1: low two bits are the layer semantics, 0x80 inherit class.
    static const char* semantics[] = {"inherit", "tombstone", "supersede-local", "supersede-tree"};
    std::string out = semantics[bits & 3];
    if (bits & 0x80)
        out += "+inherit-class";
    if (bits & 0x7C)
        out += "+" + hex(bits & 0x7C);
    return out;
}

} // namespace

const char* hiveChangeKindName(HiveDiff::Kind kind)
{
    switch (kind) {
    case HiveDiff::Kind::KeyAdded:
        return "key-added";
    case HiveDiff::Kind::KeyRemoved:
        return "key-removed";
    case HiveDiff::Kind::KeyChanged:
        return "key-changed";
    case HiveDiff::Kind::ValueAdded:
        return "value-added";
    case HiveDiff::Kind::ValueRemoved:
        return "value-removed";
    case HiveDiff::Kind::ValueChanged:
        return "value-changed";
    }
    return "?";
}

std::vector<std::string> hiveFieldNames(uint16_t fields)
{
    static const std::pair<uint16_t, const char*> names[] = {
        {HiveDiff::Name, "name"},   {HiveDiff::ClassName, "className"},     {HiveDiff::Security, "security"},
        {HiveDiff::Flags, "flags"}, {HiveDiff::LayerBits, "layerBits"},     {HiveDiff::Type, "type"},
        {HiveDiff::Data, "data"},   {HiveDiff::LastWritten, "lastWritten"},
    };
    std::vector<std::string> out;
    for (const auto& [bit, name] : names)
        if (fields & bit)
            out.emplace_back(name);
    return out;
}

const char* hiveVerdictName(HiveDiff::Verdict verdict)
{
    switch (verdict) {
    case HiveDiff::Verdict::Identical:
        return "identical";
    case HiveDiff::Verdict::EqualExceptNoise:
        return "equal-except-timestamps";
    case HiveDiff::Verdict::Different:
        return "different";
    }
    return "?";
}

HiveDiff::HiveDiff(const HiveReader& a, const HiveReader& b, Progress& progress)
    : m_a(&a)
    , m_b(&b)
    , m_progress(progress)
{
    if (!a.root() || !b.root())
        throw Error(std::string("hive diff: ") + (!a.root() ? "A" : "B")
                    + " has no readable root key, so there is nothing to compare");
    m_bcd = looksLikeBcdStore(a) && looksLikeBcdStore(b);

    const HiveReader::Header& ha = a.header();
    const HiveReader::Header& hb = b.header();
    auto header = [&](std::string field, std::string va, std::string vb, bool noise) {
        if (va != vb)
            m_header.push_back({std::move(field), std::move(va), std::move(vb), noise});
    };
    // regf-hive-format §2: every save bumps the sequence numbers and the time stamp; the file name is the last 31
    // characters of wherever the hive was saved. None of this is registry content.
    header("version", a.version(), b.version(), false);
    header("rootName", a.rootName(), b.rootName(), false);
    header("sequence", std::to_string(ha.primarySequence) + "/" + std::to_string(ha.secondarySequence),
           std::to_string(hb.primarySequence) + "/" + std::to_string(hb.secondarySequence), true);
    header("lastWritten", formatFileTime(ha.lastWritten), formatFileTime(hb.lastWritten), true);
    header("fileName", ha.fileName, hb.fileName, true);

    m_total = countKeys(*a.root()) + countKeys(*b.root());
    compareKeys(*a.root(), *b.root(), std::string(), 0);
    m_progress.advance(m_total, m_total);
}

void HiveDiff::add(Change change)
{
    ++m_counts[size_t(change.kind)];
    m_changes.push_back(std::move(change));
}

void HiveDiff::compareKeys(const Key& ka, const Key& kb, const std::string& path, unsigned depth)
{
    m_visited += 2;
    if ((m_visited & 4095) < 2) {
        m_progress.advance(m_visited, m_total);
        m_progress.checkCancelled();
    }
    uint16_t fields = 0;
    // The root's name is a header fact (it is not part of any key path).
    if (depth > 0 && ka.name != kb.name)
        fields |= Name;
    if (ka.className != kb.className)
        fields |= ClassName;
    {
        const auto sa = m_a->securityDescriptor(ka);
        const auto sb = m_b->securityDescriptor(kb);
        if (!std::equal(sa.begin(), sa.end(), sb.begin(), sb.end()))
            fields |= Security;
    }
    if ((ka.flags & kKeyFlagsCompared) != (kb.flags & kKeyFlagsCompared))
        fields |= Flags;
    if (ka.layerBits != kb.layerBits)
        fields |= LayerBits;
    if (ka.lastWritten != kb.lastWritten)
        fields |= LastWritten;
    if (fields == LastWritten)
        m_timestamps.push_back({Kind::KeyChanged, fields, path, &ka, &kb});
    else if (fields != 0)
        add({Kind::KeyChanged, fields, path, &ka, &kb});

    for (const auto& [i, j] : matchByName(ka.values, kb.values)) {
        const Value* va = i >= 0 ? &ka.values[size_t(i)] : nullptr;
        const Value* vb = j >= 0 ? &kb.values[size_t(j)] : nullptr;
        if (!va) {
            add({Kind::ValueAdded, 0, path, &ka, &kb, nullptr, vb});
            continue;
        }
        if (!vb) {
            add({Kind::ValueRemoved, 0, path, &ka, &kb, va, nullptr});
            continue;
        }
        uint16_t vf = 0;
        if (va->name != vb->name)
            vf |= Name;
        if (va->type != vb->type)
            vf |= Type;
        if (va->data != vb->data)
            vf |= Data;
        if ((va->flags & kValueFlagsCompared) != (vb->flags & kValueFlagsCompared))
            vf |= Flags;
        if (vf)
            add({Kind::ValueChanged, vf, path, &ka, &kb, va, vb});
    }

    for (const auto& [i, j] : matchByName(ka.subkeys, kb.subkeys)) {
        const Key* sa = i >= 0 ? &ka.subkeys[size_t(i)] : nullptr;
        const Key* sb = j >= 0 ? &kb.subkeys[size_t(j)] : nullptr;
        if (!sa)
            add({Kind::KeyAdded, 0, join(path, sb->name), nullptr, sb});
        else if (!sb)
            add({Kind::KeyRemoved, 0, join(path, sa->name), sa, nullptr});
        else
            compareKeys(*sa, *sb, join(path, sa->name), depth + 1);
    }
}

HiveDiff::Verdict HiveDiff::verdict() const
{
    if (!m_changes.empty() || std::any_of(m_header.begin(), m_header.end(), [](const auto& h) { return !h.noise; }))
        return Verdict::Different;
    return m_timestamps.empty() && m_header.empty() ? Verdict::Identical : Verdict::EqualExceptNoise;
}

std::string HiveDiff::bcdLabel(const Change& change) const
{
    if (!m_bcd)
        return {};
    // The object's type decides between element names that share a number (bcdnames.h).
    uint32_t objectType = 0;
    const std::string& path = change.path;
    if (path.size() > 8 && foldName(path.substr(0, 8)) == "OBJECTS\\") {
        const size_t end = path.find('\\', 8);
        const std::string object = path.substr(0, end);
        const HiveReader& side = change.keyA ? *m_a : *m_b;
        if (const Key* description = side.find(object + "\\Description"))
            if (const Value* type = description->value("Type"); type && type->data.size() == 4)
                objectType = readU32(type->data.data());
    }
    return bcdPathLabel(path, objectType);
}

std::string HiveDiff::sddl(const Key& key, bool sideB) const
{
    const auto bytes = (sideB ? m_b : m_a)->securityDescriptor(key);
    if (bytes.empty())
        return {};
    try {
        return wcow::SecurityDescriptor::fromBinary(bytes).toSddl();
    } catch (const Error& e) {
        return std::string("(unreadable: ") + e.what() + ")";
    }
}

namespace {

std::string renderData(const Value& v, bool bcd)
{
    std::string text = renderValueData(v.type, v.data);
    return bcd ? bcdAnnotateGuids(text) : text;
}

nlohmann::json valueJson(const Value& v, bool bcd)
{
    nlohmann::json j = {{"type", valueTypeName(v.type)},
                        {"data", valueDataToJson(v.type, v.data)},
                        {"text", renderData(v, bcd)},
                        {"size", v.data.size()}};
    if (v.flags & 0x2)
        j["tombstone"] = true; // registry-delta-hives §3.2
    return j;
}

} // namespace

std::string HiveDiff::sideText(const Change& c, bool sideB) const
{
    if (c.isValue()) {
        const Value* v = sideB ? c.valueB : c.valueA;
        if (!v)
            return {};
        std::string out = valueTypeName(v->type) + " " + renderData(*v, m_bcd);
        if ((c.fields & Name) != 0)
            out = valueLabel(v->name) + ": " + out;
        if (v->flags & 0x2)
            out += " (tombstone)";
        return out;
    }
    const Key* k = sideB ? c.keyB : c.keyA;
    if (!k)
        return {};
    if (c.kind != Kind::KeyChanged)
        return "key with " + std::to_string(k->values.size()) + " values, " + std::to_string(countKeys(*k) - 1)
            + " keys below";
    std::vector<std::string> parts;
    if (c.fields & Name)
        parts.push_back("name \"" + printable(k->name) + "\"");
    if (c.fields & ClassName)
        parts.push_back("class \"" + printable(k->className) + "\"");
    if (c.fields & Security)
        parts.push_back("security " + sddl(*k, sideB));
    if (c.fields & Flags)
        parts.push_back("flags " + hex(k->flags));
    if (c.fields & LayerBits)
        parts.push_back("layer " + layerBitsText(k->layerBits));
    if (c.fields & LastWritten)
        parts.push_back("last written " + formatFileTime(k->lastWritten));
    std::string out;
    for (const std::string& p : parts)
        out += (out.empty() ? "" : "; ") + p;
    return out;
}

std::string HiveDiff::where(const Change& c) const
{
    std::string out = "[" + (c.path.empty() ? std::string("(root)") : printable(c.path)) + "]";
    if (c.isValue())
        out += " " + valueLabel(c.valueName());
    if (const std::string label = bcdLabel(c); !label.empty())
        out += " (" + label + ")";
    return out;
}

nlohmann::json HiveDiff::toJson(size_t maxTimestamps) const
{
    auto side = [](const HiveReader& r) {
        return nlohmann::json {{"valid", r.valid()},
                               {"version", r.version()},
                               {"rootName", r.rootName()},
                               {"sequence", {r.header().primarySequence, r.header().secondarySequence}},
                               {"lastWritten", formatFileTime(r.header().lastWritten)},
                               {"errors", r.errorCount()},
                               {"warnings", r.warningCount()}};
    };
    nlohmann::json j;
    j["verdict"] = hiveVerdictName(verdict());
    j["bcd"] = m_bcd;
    j["a"] = side(*m_a);
    j["b"] = side(*m_b);
    j["header"] = nlohmann::json::array();
    for (const HeaderChange& h : m_header)
        j["header"].push_back({{"field", h.field}, {"a", h.a}, {"b", h.b}, {"noise", h.noise}});
    j["summary"] = {{"keysAdded", count(Kind::KeyAdded)},         {"keysRemoved", count(Kind::KeyRemoved)},
                    {"keysChanged", count(Kind::KeyChanged)},     {"valuesAdded", count(Kind::ValueAdded)},
                    {"valuesRemoved", count(Kind::ValueRemoved)}, {"valuesChanged", count(Kind::ValueChanged)},
                    {"timestampOnly", m_timestamps.size()}};
    j["changes"] = nlohmann::json::array();
    for (const Change& c : m_changes) {
        nlohmann::json e = {{"kind", hiveChangeKindName(c.kind)}, {"path", c.path}};
        if (const std::string label = bcdLabel(c); !label.empty())
            e["bcd"] = label;
        if (c.isValue()) {
            e["name"] = c.valueName();
            if (c.valueA)
                e["a"] = valueJson(*c.valueA, m_bcd);
            if (c.valueB)
                e["b"] = valueJson(*c.valueB, m_bcd);
        } else if (c.kind == Kind::KeyChanged) {
            auto keyJson = [&](const Key& k, bool sideB) {
                nlohmann::json o;
                if (c.fields & Name)
                    o["name"] = k.name;
                if (c.fields & ClassName)
                    o["className"] = k.className;
                if (c.fields & Security)
                    o["security"] = sddl(k, sideB);
                if (c.fields & Flags)
                    o["flags"] = k.flags;
                if (c.fields & LayerBits)
                    o["layerBits"] = layerBitsText(k.layerBits);
                if (c.fields & LastWritten)
                    o["lastWritten"] = formatFileTime(k.lastWritten);
                return o;
            };
            e["a"] = keyJson(*c.keyA, false);
            e["b"] = keyJson(*c.keyB, true);
        } else {
            const Key& k = c.kind == Kind::KeyAdded ? *c.keyB : *c.keyA;
            e["subkeys"] = countKeys(k) - 1;
            e["values"] = k.values.size();
        }
        if (c.kind == Kind::KeyChanged || c.kind == Kind::ValueChanged)
            e["fields"] = hiveFieldNames(c.fields);
        j["changes"].push_back(std::move(e));
    }
    j["timestampOnly"] = nlohmann::json::array();
    for (size_t i = 0; i < m_timestamps.size() && i < maxTimestamps; ++i) {
        const Change& c = m_timestamps[i];
        j["timestampOnly"].push_back(
            {{"path", c.path}, {"a", formatFileTime(c.keyA->lastWritten)}, {"b", formatFileTime(c.keyB->lastWritten)}});
    }
    return j;
}

std::string HiveDiff::toText(bool listTimestamps) const
{
    auto sideLine = [](const char* name, const HiveReader& r) {
        return std::string(name) + ": regf " + r.version() + ", root \"" + printable(r.rootName()) + "\", sequence "
            + std::to_string(r.header().primarySequence) + "/" + std::to_string(r.header().secondarySequence)
            + ", last written " + formatFileTime(r.header().lastWritten)
            + (r.valid() ? "" : ", INVALID (" + std::to_string(r.errorCount()) + " errors)") + "\n";
    };
    const Verdict v = verdict();
    std::string out = std::string("hive diff: ")
        + (v == Verdict::Identical              ? "identical"
               : v == Verdict::EqualExceptNoise ? "equal (rewritten: only time stamps and sequence numbers differ)"
                                                : "different, " + std::to_string(m_changes.size()) + " changes")
        + (m_bcd ? " [BCD store]" : "") + "\n";
    out += sideLine("A", *m_a) + sideLine("B", *m_b);
    for (const HeaderChange& h : m_header)
        out += "  header " + h.field + ": " + printable(h.a) + " -> " + printable(h.b) + (h.noise ? " (noise)" : "")
            + "\n";
    for (const Change& c : m_changes) {
        const std::string label = bcdLabel(c);
        const std::string where = "[" + (c.path.empty() ? std::string("(root)") : printable(c.path)) + "]"
            + (label.empty() ? "" : "  (" + label + ")");
        switch (c.kind) {
        case Kind::KeyAdded:
        case Kind::KeyRemoved: {
            const Key& k = c.kind == Kind::KeyAdded ? *c.keyB : *c.keyA;
            out += std::string(c.kind == Kind::KeyAdded ? "+ key   " : "- key   ") + where + "  ("
                + std::to_string(k.values.size()) + " values, " + std::to_string(countKeys(k) - 1) + " keys below)\n";
            break;
        }
        case Kind::KeyChanged: {
            out += "~ key   " + where + "\n";
            if (c.fields & Name)
                out += "      name: \"" + printable(c.keyA->name) + "\" -> \"" + printable(c.keyB->name) + "\"\n";
            if (c.fields & ClassName)
                out += "      class: \"" + printable(c.keyA->className) + "\" -> \"" + printable(c.keyB->className)
                    + "\"\n";
            if (c.fields & Security)
                out += "      security: " + sddl(*c.keyA, false) + " -> " + sddl(*c.keyB, true) + "\n";
            if (c.fields & Flags)
                out += "      flags: " + hex(c.keyA->flags) + " -> " + hex(c.keyB->flags) + "\n";
            if (c.fields & LayerBits)
                out += "      layer: " + layerBitsText(c.keyA->layerBits) + " -> " + layerBitsText(c.keyB->layerBits)
                    + "\n";
            if (c.fields & LastWritten)
                out += "      last written: " + formatFileTime(c.keyA->lastWritten) + " -> "
                    + formatFileTime(c.keyB->lastWritten) + "\n";
            break;
        }
        case Kind::ValueAdded:
            out += "+ value " + where + " " + valueLabel(c.valueB->name) + " = " + valueTypeName(c.valueB->type) + " "
                + renderData(*c.valueB, m_bcd) + "\n";
            break;
        case Kind::ValueRemoved:
            out += "- value " + where + " " + valueLabel(c.valueA->name) + " = " + valueTypeName(c.valueA->type) + " "
                + renderData(*c.valueA, m_bcd) + "\n";
            break;
        case Kind::ValueChanged:
            out += "~ value " + where + " " + valueLabel(c.valueA->name) + ": " + valueTypeName(c.valueA->type) + " "
                + renderData(*c.valueA, m_bcd) + " -> " + valueTypeName(c.valueB->type) + " "
                + renderData(*c.valueB, m_bcd);
            if (c.fields & Name)
                out += " (renamed " + valueLabel(c.valueB->name) + ")";
            if (c.fields & Flags)
                out += " (flags " + hex(c.valueA->flags) + " -> " + hex(c.valueB->flags) + ")";
            out += "\n";
            break;
        }
    }
    if (!m_timestamps.empty()) {
        out += std::to_string(m_timestamps.size()) + " keys differ only in their last-written time (noise)"
            + (listTimestamps ? ":" : "; --timestamps lists them") + "\n";
        if (listTimestamps)
            for (const Change& c : m_timestamps)
                out += "  [" + printable(c.path) + "] " + formatFileTime(c.keyA->lastWritten) + " -> "
                    + formatFileTime(c.keyB->lastWritten) + "\n";
    }
    return out;
}

} // namespace layerscope::hive
