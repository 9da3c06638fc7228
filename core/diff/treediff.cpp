// SPDX-License-Identifier: Apache-2.0
#include "diff/treediff.h"

#include "common/error.h"
#include "wcow/casefold.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace layerscope::diff {

using index::InvalidNode;
using index::NodeId;
using Record = index::TreeIndex::Record;
using wcow::EntryType;

namespace {

struct Item
{
    NodeId a = InvalidNode;
    NodeId b = InvalidNode;
    bool streamsDiffer = false;
};

// One directory pair being walked: its merged children and where we are. Only the directories on the current
// path are held, so memory follows depth times width, not the tree size.
struct Frame
{
    std::vector<Item> items;
    size_t next = 0;
    std::string pathA;
    std::string pathB;
};

bool carriesData(EntryType t)
{
    return t == EntryType::File || t == EntryType::Stream;
}

// What a plain file system can tell apart: a folder holds a tar's streams and whiteouts as ordinary files (they
// were unpacked that way) and cannot tell a junction from a symbolic link.
enum class TypeClass : uint8_t { File, Directory, Link };

TypeClass typeClass(EntryType t)
{
    switch (t) {
    case EntryType::Directory:
        return TypeClass::Directory;
    case EntryType::Symlink:
    case EntryType::Junction:
        return TypeClass::Link;
    default:
        return TypeClass::File;
    }
}

bool isDirectory(const Record& r)
{
    return r.type == EntryType::Directory || r.type == EntryType::Junction;
}

std::string join(const std::string& dir, std::string_view name)
{
    std::string out;
    out.reserve(dir.size() + 1 + name.size());
    out = dir;
    if (!out.empty())
        out.push_back('/');
    out.append(name);
    return out;
}

std::string_view trimLinkTarget(std::string_view target)
{
    while (target.starts_with("./"))
        target.remove_prefix(2);
    while (target.starts_with('/'))
        target.remove_prefix(1);
    return target;
}

// The registry hives of a Windows layer the diff looks into when their bytes differ: the five config hives of a
// base layer (wcow-layer-format §3.1), the per-layer registry deltas (registry-delta-hives §1) and the utility VM's
// boot store (registry-delta-hives §5).
constexpr std::string_view kConfigHives[] = {"DEFAULT", "SAM", "SECURITY", "SOFTWARE", "SYSTEM"};
constexpr std::string_view kConfigDir = "Files/Windows/System32/config/";
constexpr std::string_view kBcdPath = "UtilityVM/Files/EFI/Microsoft/Boot/BCD";
constexpr std::string_view kDeltaSuffix = "_delta"; // compared folded: Hives/System_Delta, SYSTEM_DELTA, …

// The fields a folder on disk can carry faithfully (DiffSide::Folder).
constexpr FieldSet kFolderFields {Field::Content,  Field::Size,       Field::Type,
                                  Field::Modified, Field::LinkTarget, Field::HardlinkGroup};

class Walker
{
public:
    Walker(const DiffSide& a, const DiffSide& b, const DiffRules& rules, Progress& progress)
        : m_ta(*a.tree)
        , m_tb(*b.tree)
        , m_rules(rules)
        , m_progress(progress)
        , m_fold(a.windows || b.windows || m_ta.caseInsensitive() || m_tb.caseInsensitive())
        , m_bothLayers(a.kind == DiffSide::Kind::Layer && b.kind == DiffSide::Kind::Layer)
        , m_folderMode(a.kind == DiffSide::Kind::Folder || b.kind == DiffSide::Kind::Folder)
        , m_groupsA(std::make_unique<HardlinkGroups>(m_ta, m_fold))
        , m_groupsB(std::make_unique<HardlinkGroups>(m_tb, m_fold))
        , m_readA(a.readFiles)
        , m_readB(b.readFiles)
    {
        if (m_folderMode)
            m_compared = kFolderFields;
        m_ruleCounts.assign(rules.rules().size(), 0);
        m_total = m_ta.nodeCount() + m_tb.nodeCount();
        if (m_bothLayers)
            m_matchB.assign(m_ta.recordCount(), UINT32_MAX);
        // A folder holds only what it holds at the top (a plain folder is Files/ only): compare those names.
        if (m_folderMode && !(a.kind == DiffSide::Kind::Folder && b.kind == DiffSide::Kind::Folder)) {
            const index::TreeIndex& folder = a.kind == DiffSide::Kind::Folder ? m_ta : m_tb;
            for (NodeId c : folder.children(folder.root())) {
                m_scope.emplace_back(folder.name(c));
                m_scopeKeys.push_back(key(folder.name(c)));
            }
            std::sort(m_scopeKeys.begin(), m_scopeKeys.end());
        }
    }

    void run(std::string_view subtree)
    {
        compareHives(subtree);
        std::vector<Frame> stack;
        if (subtree.empty()) {
            stack.push_back(Frame {merge(m_ta.root(), m_tb.root(), true), 0, {}, {}});
        } else {
            // One item, the subtree's root as each tree spells it, under its parent's path; the walk goes on below.
            const NodeId a = m_ta.find(subtree);
            const NodeId b = m_tb.find(subtree);
            if (a == InvalidNode && b == InvalidNode)
                throw Error("diff: neither side has \"" + std::string(subtree) + "\"");
            const auto parentPath = [](const index::TreeIndex& tree, NodeId node) {
                if (node == InvalidNode)
                    return std::string();
                const NodeId parent = tree.parent(node);
                return parent == InvalidNode || parent == tree.root() ? std::string() : tree.path(parent);
            };
            stack.push_back(Frame {{Item {a, b}}, 0, parentPath(m_ta, a), parentPath(m_tb, b)});
        }
        while (!stack.empty()) {
            Frame& top = stack.back();
            if (top.next == top.items.size()) {
                stack.pop_back();
                continue;
            }
            const Item item = top.items[top.next++];
            std::string pathA = item.a != InvalidNode ? join(top.pathA, m_ta.name(item.a)) : std::string();
            std::string pathB = item.b != InvalidNode ? join(top.pathB, m_tb.name(item.b)) : std::string();
            visit(item, pathA, pathB);
            const bool kids = (item.a != InvalidNode && !m_ta.children(item.a).empty())
                || (item.b != InvalidNode && !m_tb.children(item.b).empty());
            if (kids)
                stack.push_back(Frame {merge(item.a, item.b, false), 0, std::move(pathA), std::move(pathB)});
        }
        m_progress.advance(m_done, m_total);
        if (m_bothLayers) {
            // Entry order (wcow-layer-format §1.2, §6): the entries both tars hold, taken in A's order, must appear
            // in B in the same relative order.
            int64_t last = -1;
            for (uint32_t v : m_matchB) {
                if (v == UINT32_MAX)
                    continue;
                if (int64_t(v) < last) {
                    m_orderDiffers = true;
                    break;
                }
                last = v;
            }
            std::vector<uint32_t>().swap(m_matchB);
        }
    }

    // Everything the walk found, handed to DiffResult by TreeDiff (its friend).
    struct Outcome
    {
        std::vector<Change> changes;
        DiffSummary summary;
        std::vector<std::vector<uint16_t>> ruleSets;
        std::vector<uint64_t> ruleCounts;
        std::unique_ptr<HardlinkGroups> groupsA;
        std::unique_ptr<HardlinkGroups> groupsB;
        std::vector<std::string> scope;
        std::map<size_t, std::shared_ptr<const HiveComparison>> hives;
        FieldSet compared;
        bool fold = false;
        bool orderCompared = false;
        bool orderDiffers = false;
    };

    Outcome take()
    {
        return Outcome {std::move(m_changes),
                        m_summary,
                        std::move(m_ruleSets),
                        std::move(m_ruleCounts),
                        std::move(m_groupsA),
                        std::move(m_groupsB),
                        std::move(m_scope),
                        std::move(m_hiveOfChange),
                        m_compared,
                        m_fold,
                        m_bothLayers,
                        m_orderDiffers};
    }

private:
    std::string key(std::string_view name) const { return m_fold ? wcow::foldCase(name) : std::string(name); }

    // Before the walk: every hive path whose file differs on the two sides is read from both and compared as a
    // registry, so that the rules can tell a rewritten but equal hive from a real registry change. Hives are few
    // (at most eleven per layer), and each side's layer is streamed once for all of them.
    void compareHives(std::string_view subtree)
    {
        if (!m_readA || !m_readB)
            return;
        std::vector<std::string> paths;
        for (std::string_view name : kConfigHives)
            paths.push_back(std::string(kConfigDir) + std::string(name));
        paths.emplace_back(kBcdPath);
        for (const index::TreeIndex* tree : {&m_ta, &m_tb}) {
            const NodeId hives = tree->find("Hives");
            if (hives == InvalidNode)
                continue;
            for (NodeId c : tree->children(hives)) {
                const std::string name(tree->name(c));
                if (wcow::foldCase(name).ends_with(wcow::foldCase(kDeltaSuffix)))
                    paths.push_back("Hives/" + name);
            }
        }
        const std::string scope = subtree.empty() ? std::string() : key(subtree);
        std::vector<NodeId> nodesA, nodesB;
        std::vector<std::string> keys;
        for (const std::string& p : paths) {
            const std::string k = key(p);
            if (std::find(keys.begin(), keys.end(), k) != keys.end())
                continue;
            if (!scope.empty() && k != scope && !k.starts_with(scope + "/"))
                continue;
            const NodeId a = m_ta.find(p), b = m_tb.find(p);
            const Record* ra = a == InvalidNode ? nullptr : m_ta.record(a);
            const Record* rb = b == InvalidNode ? nullptr : m_tb.record(b);
            if (!ra || !rb || ra->type != EntryType::File || rb->type != EntryType::File)
                continue;
            if (ra->has(Record::HasHash) && rb->has(Record::HasHash) && ra->sha256 == rb->sha256
                && ra->size == rb->size)
                continue;
            nodesA.push_back(a);
            nodesB.push_back(b);
            keys.push_back(k);
        }
        if (keys.empty())
            return;
        constexpr uint64_t limit = hive::HiveReader::kMaxHiveSize + 1;
        auto dataA = m_readA(m_ta, nodesA, limit, m_progress);
        auto dataB = m_readB(m_tb, nodesB, limit, m_progress);
        for (size_t i = 0; i < keys.size(); ++i) {
            auto c = std::make_shared<HiveComparison>();
            auto parse = [&](std::vector<uint8_t>& bytes, const char* side) -> std::unique_ptr<hive::HiveReader> {
                if (bytes.size() > hive::HiveReader::kMaxHiveSize) {
                    c->problem = std::string(side) + " is larger than the 512 MiB a hive may have";
                    return nullptr;
                }
                auto r = std::make_unique<hive::HiveReader>(bytes);
                std::vector<uint8_t>().swap(bytes);
                if (!r->root() && c->problem.empty())
                    c->problem = std::string(side) + " is not a readable hive: "
                        + (r->problems().empty() ? std::string("no root key") : r->problems().front().message);
                return r;
            };
            c->a = parse(dataA[i], "A");
            c->b = parse(dataB[i], "B");
            if (c->a && c->b && c->a->root() && c->b->root())
                c->diff = std::make_unique<hive::HiveDiff>(*c->a, *c->b, m_progress);
            m_hives.emplace(keys[i], std::move(c));
        }
    }

    void tick(const Item& item)
    {
        m_done += (item.a != InvalidNode) + (item.b != InvalidNode);
        if ((++m_ticks & 4095) == 0) {
            m_progress.advance(m_done, m_total);
            m_progress.checkCancelled();
        }
    }

    // The children of a directory pair, matched by key. Both lists are sorted here by our own key, so the walk
    // does not depend on how each index happens to order its children.
    std::vector<Item> merge(NodeId a, NodeId b, bool top) const
    {
        using Keyed = std::pair<std::string, NodeId>;
        auto collect = [&](const index::TreeIndex& tree, NodeId dir) {
            std::vector<Keyed> out;
            if (dir == InvalidNode)
                return out;
            const auto kids = tree.children(dir);
            out.reserve(kids.size());
            for (NodeId c : kids) {
                std::string k = key(tree.name(c));
                if (top && !m_scopeKeys.empty() && !std::binary_search(m_scopeKeys.begin(), m_scopeKeys.end(), k))
                    continue;
                out.emplace_back(std::move(k), c);
            }
            std::sort(out.begin(), out.end());
            return out;
        };
        const std::vector<Keyed> ka = collect(m_ta, a);
        const std::vector<Keyed> kb = collect(m_tb, b);

        std::vector<Item> items;
        std::vector<const std::string*> keys;
        items.reserve(std::max(ka.size(), kb.size()));
        keys.reserve(items.capacity());
        size_t i = 0, j = 0;
        while (i < ka.size() || j < kb.size()) {
            if (j == kb.size() || (i < ka.size() && ka[i].first < kb[j].first)) {
                items.push_back({ka[i].second, InvalidNode});
                keys.push_back(&ka[i++].first);
            } else if (i == ka.size() || kb[j].first < ka[i].first) {
                items.push_back({InvalidNode, kb[j].second});
                keys.push_back(&kb[j++].first);
            } else {
                items.push_back({ka[i].second, kb[j].second});
                keys.push_back(&ka[i].first);
                ++i;
                ++j;
            }
        }

        // A stream on one side only changes its owner's set of streams (wcow-layer-format §1.6: "<path>:<name>",
        // a sibling of the owner in the index).
        std::vector<std::string_view> owners;
        for (size_t n = 0; n < items.size(); ++n) {
            const Item& it = items[n];
            if ((it.a == InvalidNode) == (it.b == InvalidNode))
                continue;
            const Record* r = it.a != InvalidNode ? m_ta.record(it.a) : m_tb.record(it.b);
            if (!r || r->type != EntryType::Stream)
                continue;
            const std::string_view k = *keys[n];
            const size_t colon = k.rfind(':');
            if (colon != std::string_view::npos)
                owners.push_back(k.substr(0, colon));
        }
        if (!owners.empty()) {
            std::sort(owners.begin(), owners.end());
            for (size_t n = 0; n < items.size(); ++n)
                if (items[n].a != InvalidNode && items[n].b != InvalidNode
                    && std::binary_search(owners.begin(), owners.end(), std::string_view(*keys[n])))
                    items[n].streamsDiffer = true;
        }
        return items;
    }

    void visit(const Item& item, const std::string& pathA, const std::string& pathB)
    {
        tick(item);
        const Record* ra = item.a != InvalidNode ? m_ta.record(item.a) : nullptr;
        const Record* rb = item.b != InvalidNode ? m_tb.record(item.b) : nullptr;
        if (ra && rb) {
            compareRecords(item, *ra, *rb, pathA, pathB);
            return;
        }
        // A directory entry against a directory that only exists as a parent of other entries: a difference
        // only between two layer tars (importers need explicit parents, §1.2); folders and merged views list
        // every directory.
        if (ra && (item.b == InvalidNode || m_bothLayers || !isDirectory(*ra)))
            addEntryChange(ChangeKind::Removed, item.a, InvalidNode, ra, nullptr, pathA);
        else if (rb && (item.a == InvalidNode || m_bothLayers || !isDirectory(*rb)))
            addEntryChange(ChangeKind::Added, InvalidNode, item.b, nullptr, rb, pathB);
    }

    void compareRecords(const Item& item, const Record& ra, const Record& rb, const std::string& pathA,
                        const std::string& pathB)
    {
        if (m_bothLayers)
            m_matchB[size_t(&ra - m_ta.records().data())] = uint32_t(&rb - m_tb.records().data());

        // NTFS hard links are one file: data and metadata come from the record holding it (§1.6).
        const Record& ea = ra.type == EntryType::Hardlink ? HardlinkGroups::effective(m_ta, ra) : ra;
        const Record& eb = rb.type == EntryType::Hardlink ? HardlinkGroups::effective(m_tb, rb) : rb;
        FieldSet f;
        if (m_folderMode ? typeClass(ea.type) != typeClass(eb.type) : ra.type != rb.type)
            f.insert(Field::Type);
        if (carriesData(ea.type) && carriesData(eb.type)) {
            if (ea.has(Record::HasHash) && eb.has(Record::HasHash) && ea.sha256 != eb.sha256)
                f.insert(Field::Content);
            if (ea.size != eb.size)
                f.insert(Field::Size);
        }
        if (ea.has(Record::HasAttributes) != eb.has(Record::HasAttributes)
            || (ea.has(Record::HasAttributes) && ea.attributes != eb.attributes))
            f.insert(Field::Attributes);
        if (m_ta.sddl(ea) != m_tb.sddl(eb))
            f.insert(Field::Sddl);
        auto time = [&](Record::Flag flag, index::TreeIndex::PackedTime Record::*member, Field field) {
            if (ea.has(flag) != eb.has(flag) || (ea.has(flag) && m_ta.time(ea.*member) != m_tb.time(eb.*member)))
                f.insert(field);
        };
        time(Record::HasCreated, &Record::createdTime, Field::Created);
        time(Record::HasAccessed, &Record::accessedTime, Field::Accessed);
        time(Record::HasChanged, &Record::changedTime, Field::Changed);
        // A folder cannot set a symbolic link's own time everywhere; its target's is what people compare.
        if (m_ta.modified(ea) != m_tb.modified(eb) && !(m_folderMode && typeClass(ea.type) == TypeClass::Link))
            f.insert(Field::Modified);
        if (ra.mode != rb.mode)
            f.insert(Field::Mode);
        if (m_folderMode) {
            if (typeClass(ea.type) == TypeClass::Link && typeClass(eb.type) == TypeClass::Link
                && m_ta.linkTarget(ea) != m_tb.linkTarget(eb))
                f.insert(Field::LinkTarget);
        } else if (ra.type == EntryType::Hardlink && rb.type == EntryType::Hardlink) {
            // Hard-link targets are layer paths: they match as names do.
            if (key(trimLinkTarget(m_ta.linkTarget(ra))) != key(trimLinkTarget(m_tb.linkTarget(rb))))
                f.insert(Field::LinkTarget);
        } else if (m_ta.linkTarget(ra) != m_tb.linkTarget(rb)) {
            f.insert(Field::LinkTarget);
        }
        if ((ea.xattrs != UINT32_MAX || eb.xattrs != UINT32_MAX) && m_ta.xattrs(ea) != m_tb.xattrs(eb))
            f.insert(Field::Xattrs);
        if (item.streamsDiffer)
            f.insert(Field::Streams);
        const std::vector<HardlinkGroups::Member>* groupA = nullptr;
        const std::vector<HardlinkGroups::Member>* groupB = nullptr;
        if (!m_groupsA->empty() || !m_groupsB->empty()) {
            groupA = m_groupsA->groupOf(key(pathA));
            groupB = m_groupsB->groupOf(key(pathB));
            if (!HardlinkGroups::sameNames(groupA, groupB))
                f.insert(Field::HardlinkGroup);
        }
        f = f & m_compared;
        if (f.empty()) {
            ++m_summary.identical;
            return;
        }

        Change change;
        change.a = item.a;
        change.b = item.b;
        change.kind = ChangeKind::Changed;
        change.fields = f;
        const std::string folded = m_fold ? wcow::foldCase(pathA) : std::string();
        ChangeContext ctx;
        ctx.path = pathA;
        ctx.matchPath = m_fold ? std::string_view(folded) : std::string_view(pathA);
        ctx.folded = m_fold;
        ctx.kind = ChangeKind::Changed;
        ctx.treeA = &m_ta;
        ctx.treeB = &m_tb;
        ctx.a = &ra;
        ctx.b = &rb;
        ctx.effectiveA = &ea;
        ctx.effectiveB = &eb;
        ctx.sameHardlinkGroup = groupA && groupB && HardlinkGroups::sameNames(groupA, groupB);
        std::shared_ptr<const HiveComparison> hive;
        if (!m_hives.empty()) {
            const auto it = m_hives.find(m_fold ? folded : pathA);
            if (it != m_hives.end()) {
                hive = it->second;
                ctx.hive = hive.get();
            }
        }

        std::vector<uint16_t> used;
        int best = -1;
        int bestCount = 0;
        const auto& rules = m_rules.rules();
        for (size_t i = 0; i < rules.size(); ++i) {
            const FieldSet covered = rules[i].covers(ctx, f);
            if (covered.empty())
                continue;
            used.push_back(uint16_t(i));
            change.explained = change.explained | covered;
            if (covered.size() > bestCount) {
                best = int(i);
                bestCount = covered.size();
            }
        }
        change.expected = change.explained == f;
        if (change.expected)
            change.rule = uint16_t(best);
        if (hive)
            m_hiveOfChange.emplace(m_changes.size(), std::move(hive));
        record(change, std::move(used));
    }

    void addEntryChange(ChangeKind kind, NodeId a, NodeId b, const Record* ra, const Record* rb,
                        const std::string& path)
    {
        Change change;
        change.a = a;
        change.b = b;
        change.kind = kind;
        const std::string folded = m_fold ? wcow::foldCase(path) : std::string();
        ChangeContext ctx;
        ctx.path = path;
        ctx.matchPath = m_fold ? std::string_view(folded) : std::string_view(path);
        ctx.folded = m_fold;
        ctx.kind = kind;
        ctx.treeA = &m_ta;
        ctx.treeB = &m_tb;
        ctx.a = ctx.effectiveA = ra;
        ctx.b = ctx.effectiveB = rb;
        std::vector<uint16_t> used;
        const auto& rules = m_rules.rules();
        for (size_t i = 0; i < rules.size(); ++i) {
            if (!rules[i].coversEntry(ctx))
                continue;
            if (used.empty())
                change.rule = uint16_t(i);
            used.push_back(uint16_t(i));
        }
        change.expected = !used.empty();
        record(change, std::move(used));
    }

    void record(Change& change, std::vector<uint16_t> used)
    {
        if (change.expected) {
            ++m_summary.expected;
            for (uint16_t i : used)
                ++m_ruleCounts[i];
        } else {
            ++m_summary.unexpected;
        }
        switch (change.kind) {
        case ChangeKind::Added:
            ++m_summary.added;
            break;
        case ChangeKind::Removed:
            ++m_summary.removed;
            break;
        case ChangeKind::Changed:
            ++m_summary.changed;
            break;
        }
        // Rule combinations repeat (most entries of a round trip need the same two or three rules): intern them.
        if (!used.empty()) {
            auto [it, inserted] = m_ruleSetIds.try_emplace(used, uint32_t(m_ruleSets.size()));
            if (inserted)
                m_ruleSets.push_back(std::move(used));
            change.ruleSet = it->second;
        }
        m_changes.push_back(change);
    }

    const index::TreeIndex& m_ta;
    const index::TreeIndex& m_tb;
    const DiffRules& m_rules;
    Progress& m_progress;
    const bool m_fold;
    const bool m_bothLayers;
    const bool m_folderMode;
    std::unique_ptr<HardlinkGroups> m_groupsA;
    std::unique_ptr<HardlinkGroups> m_groupsB;
    FieldSet m_compared = FieldSet::all();
    std::function<std::vector<std::vector<uint8_t>>(const index::TreeIndex&, const std::vector<NodeId>&, uint64_t,
                                                    Progress&)>
        m_readA, m_readB;
    std::unordered_map<std::string, std::shared_ptr<const HiveComparison>> m_hives; // by matching path
    std::map<size_t, std::shared_ptr<const HiveComparison>> m_hiveOfChange;
    std::vector<std::string> m_scope;
    std::vector<std::string> m_scopeKeys;
    std::vector<uint32_t> m_matchB; // per record of A (tar order): the matched record of B
    std::vector<Change> m_changes;
    DiffSummary m_summary;
    std::vector<std::vector<uint16_t>> m_ruleSets {{}};
    std::map<std::vector<uint16_t>, uint32_t> m_ruleSetIds;
    std::vector<uint64_t> m_ruleCounts;
    uint64_t m_done = 0;
    uint64_t m_total = 0;
    uint64_t m_ticks = 0;
    bool m_orderDiffers = false;
};

} // namespace

DiffResult TreeDiff::compare(const DiffSide& a, const DiffSide& b, const DiffRules& rules, Progress& progress)
{
    return compare(a, b, rules, std::string_view(), progress);
}

DiffResult TreeDiff::compare(const DiffSide& a, const DiffSide& b, const DiffRules& rules, std::string_view subtree,
                             Progress& progress)
{
    if (!a.tree || !b.tree)
        throw Error("diff: both sides need a tree");
    if (rules.rules().size() >= Change::NoRule)
        throw Error("diff: too many rules (at most 65534)");
    while (subtree.starts_with('/'))
        subtree.remove_prefix(1);
    while (subtree.ends_with('/'))
        subtree.remove_suffix(1);
    Walker walker(a, b, rules, progress);
    walker.run(subtree);

    DiffResult result;
    result.m_a = a;
    result.m_b = b;
    result.m_rules = rules;
    auto out = walker.take();
    result.m_changes = std::move(out.changes);
    result.m_summary = out.summary;
    result.m_ruleSets = std::move(out.ruleSets);
    result.m_ruleCounts = std::move(out.ruleCounts);
    result.m_groupsA = std::move(out.groupsA);
    result.m_groupsB = std::move(out.groupsB);
    result.m_scope = std::move(out.scope);
    result.m_hives = std::move(out.hives);
    result.m_subtree = std::string(subtree);
    result.m_compared = out.compared;
    result.m_fold = out.fold;
    result.m_orderCompared = out.orderCompared;
    result.m_orderDiffers = out.orderDiffers;
    if (result.m_orderDiffers) {
        for (size_t i = 0; i < rules.rules().size(); ++i) {
            if (rules.rules()[i].coversOrder()) {
                result.m_orderRule = int(i);
                break;
            }
        }
    }
    return result;
}

} // namespace layerscope::diff
