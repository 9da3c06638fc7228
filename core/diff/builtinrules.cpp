// SPDX-License-Identifier: Apache-2.0
// The built-in rules: the round-trip noise of wcow-layer-format §6 (import on Windows, export again, compare).
// Conventionally A is the original and B the re-export; the rules that depend on direction say so.
#include "diff/diffrules.h"

#include "wcow/casefold.h"

#include <algorithm>
#include <string>
#include <vector>

namespace layerscope::diff {

namespace {

using Record = index::TreeIndex::Record;

constexpr FieldSet kTimes {Field::Created, Field::Modified, Field::Accessed, Field::Changed};
constexpr FieldSet kData {Field::Content, Field::Size};

KindSet kinds(std::initializer_list<ChangeKind> list)
{
    KindSet set;
    for (ChangeKind k : list)
        set.insert(k);
    return set;
}

// Whether the record carries the PAX record behind `field` (wcow-layer-format §1.5).
bool carries(const index::TreeIndex& tree, const Record& r, Field field)
{
    switch (field) {
    case Field::Attributes:
        return r.has(Record::HasAttributes);
    case Field::Sddl:
        return !tree.sddl(r).empty();
    case Field::Created:
        return r.has(Record::HasCreated);
    case Field::Accessed:
        return r.has(Record::HasAccessed);
    case Field::Changed:
        return r.has(Record::HasChanged);
    default:
        return true;
    }
}

// Whether a folder holds different entries in the two trees: a name appeared or went, or a file's type, size, data
// or modification time differs (an editor saves by writing a new file and renaming it over the old one). Any of
// these updates the folder's own modification time on NTFS (and on every other file system). A subfolder's own
// time does not: changes deeper down touch only their own folder.
bool folderContentsDiffer(const ChangeContext& c)
{
    if (!c.a || !c.b || c.a->type != wcow::EntryType::Directory || c.b->type != wcow::EntryType::Directory)
        return false;
    struct Child
    {
        std::string name;
        wcow::EntryType type;
        uint64_t size;
        wcow::PaxTime modified;
        Sha256Digest sha256;
        bool operator==(const Child&) const = default;
        bool operator<(const Child& o) const { return name < o.name; }
    };
    const auto list = [&](const index::TreeIndex& tree, index::NodeId node) {
        std::vector<Child> out;
        for (index::NodeId child : tree.children(node)) {
            const Record* r = tree.record(child);
            std::string name(tree.name(child));
            const bool folder = !r || r->type == wcow::EntryType::Directory;
            out.push_back({c.folded ? wcow::foldCase(name) : std::move(name),
                           folder ? wcow::EntryType::Directory : r->type, folder ? 0 : r->size,
                           folder ? wcow::PaxTime {} : tree.modified(*r), folder ? Sha256Digest {} : r->sha256});
        }
        std::sort(out.begin(), out.end());
        return out;
    };
    return list(*c.treeA, c.a->node) != list(*c.treeB, c.b->node);
}

} // namespace

DiffRules DiffRules::builtin()
{
    DiffRules rules;
    auto add = [&](DiffRule rule) {
        rule.setBuiltin(true);
        rules.add(std::move(rule));
    };
    const KindSet anyKind = KindSet::all();
    const KindSet changed = kinds({ChangeKind::Changed});

    // §2.4, §6: ProcessUtilityVMImage rewrites the utility VM's BCD store in place on every import, HCS export
    // regenerates the Hives/*_Delta files, and a save re-stamps any hive. Whether that changed the registry is
    // decided by looking inside (TreeDiff compares both sides as hives, hive::HiveDiff): only a hive whose keys,
    // values, classes and security are the same — time stamps, sequence numbers and free space aside — is
    // explained; a real registry change stays unexpected.
    add(DiffRule("hive-rewritten-equal",
                 "registry hive rewritten but equal (BCD store, config hives, Hives/*_Delta: content, size, times "
                 "differ, yet every key and value is the same; only time stamps and sequence numbers changed) — "
                 "wcow-layer-format §2.4, §6; regf-hive-format §2",
                 {"UtilityVM/Files/EFI/Microsoft/Boot/BCD", "Files/Windows/System32/config/DEFAULT",
                  "Files/Windows/System32/config/SAM", "Files/Windows/System32/config/SECURITY",
                  "Files/Windows/System32/config/SOFTWARE", "Files/Windows/System32/config/SYSTEM", "Hives/*_Delta"},
                 kData | kTimes, changed, [](const ChangeContext& c, Field f) {
                     if (c.hive)
                         return c.hive->registryEqual();
                     // Same bytes, new times: nothing was rewritten inside.
                     return !kData.contains(f) && c.effectiveA->sha256 == c.effectiveB->sha256;
                 }));
    // §2.4, §6: the BCD store's transaction logs appear, change or go with it.
    add(DiffRule("bcd-logs",
                 "utility-VM boot store transaction logs written by import (BCD.LOG*: content, size, times; may "
                 "appear or disappear) — wcow-layer-format §2.4, §6",
                 {"UtilityVM/Files/EFI/Microsoft/Boot/BCD.LOG*"}, kData | kTimes, anyKind));
    // §2.1, §6: bcd.bak and friends are importer backups of the original BCD bytes; host-specific, never in tars.
    add(DiffRule("backup-files", "importer backups (*.bak), any difference — wcow-layer-format §2.1, §6", {"**/*.bak"},
                 FieldSet::all(), anyKind));
    // §2.1, §6: blank.vhdx, sandbox.vhdx, SystemTemplate*.vhdx are created per host and per container.
    add(DiffRule("vhdx-files",
                 "virtual disks created by the importer or runtime (*.vhdx), any difference — "
                 "wcow-layer-format §2.1, §6",
                 {"**/*.vhdx"}, FieldSet::all(), anyKind));
    // §6: HCS export writes the per-layer registry delta hives; a layer that had none may gain them. A delta that
    // was there before is compared as a registry by hive-rewritten-equal.
    add(DiffRule("delta-hives",
                 "registry delta hives written by HCS export (Hives/*_Delta: may appear) — wcow-layer-format §2.2, §6",
                 {"Hives/*_Delta"}, kData | kTimes, kinds({ChangeKind::Added})));
    // §1.6, §6: the export writes whichever name it walks first as the file and later names as links to it.
    add(DiffRule(
        "hardlink-direction",
        "a file and its hard link swapped roles (type, link target, mode) while the set of names sharing the file "
        "and its data are unchanged — wcow-layer-format §1.6, §6",
        {"**"}, {Field::Type, Field::LinkTarget, Field::Mode}, changed, [](const ChangeContext& c, Field) {
            // Only an entry whose role changed (file <-> link) or that is a link on both sides (pointing at another
            // name of the same file); a mode change between two full entries stays a real change.
            return c.sameHardlinkGroup && (c.a->type != c.b->type || c.a->type == wcow::EntryType::Hardlink);
        }));
    // §2.5, §6: the Files and Hives directory entries take their times from Hives\System_Delta on export.
    add(DiffRule("layer-root-dir-times",
                 "times of the Files and Hives directory entries, taken from Hives/System_Delta on export — "
                 "wcow-layer-format §2.5, §6",
                 {"Files", "Hives"}, kTimes, changed));
    // §1.3: a delta layer's Hives directory is written by whichever tool made the layer (HCS export, imgutil, our
    // scratch commit) and only holds the registry deltas; it is not part of the container's file system, so its
    // attributes and security descriptor differ between writers without meaning anything.
    add(DiffRule("hives-dir-metadata",
                 "the Hives directory entry each delta-layer writer makes (attributes, security descriptor; may "
                 "appear) — not part of the container's files — wcow-layer-format §1.3",
                 {"Hives"}, {Field::Attributes, Field::Sddl}, kinds({ChangeKind::Changed, ChangeKind::Added})));
    // §1.6: a folder's modification time changes whenever an entry in it is created, deleted, renamed or rewritten
    // (an editor saving through a temporary file), so after an edit the parents of what changed carry new times.
    add(DiffRule("folder-times-follow-contents",
                 "modification time of a folder whose entries changed (an entry in it was added, removed or rewritten, "
                 "which updates the folder's time) — wcow-layer-format §1.6",
                 {"**"}, {Field::Modified}, changed,
                 [](const ChangeContext& c, Field) { return folderContentsDiffer(c); }));
    // §1.5, §6: without LIBARCHIVE.creationtime readers use mtime, and the export then writes that value.
    add(DiffRule("creation-time-default",
                 "creation time absent on one side, or equal to the modification time on B (defaulted from mtime) "
                 "— wcow-layer-format §1.5, §6",
                 {"**"}, {Field::Created}, changed, [](const ChangeContext& c, Field) {
                     const Record* a = c.effectiveA;
                     const Record* b = c.effectiveB;
                     return !a->has(Record::HasCreated) || !b->has(Record::HasCreated)
                         || c.treeB->created(*b) == c.treeB->modified(*b);
                 }));
    // §1.6, §6: inputs without Windows records gain fileattr, creationtime, rawsd, atime and ctime on export.
    add(DiffRule("added-pax-records",
                 "Windows metadata (attributes, sddl, created, accessed, changed) present on B where A had none: "
                 "export adds backuptar records to entries that lacked them — wcow-layer-format §1.6, §6",
                 {"**"}, {Field::Attributes, Field::Sddl, Field::Created, Field::Accessed, Field::Changed}, changed,
                 [](const ChangeContext& c, Field f) {
                     return !carries(*c.treeA, *c.effectiveA, f) && carries(*c.treeB, *c.effectiveB, f);
                 }));
    // §1.4, §6: Microsoft's tarballs carry 0644/0755; backuptar writes only type bits, permission bits 0.
    add(DiffRule("permission-bits",
                 "mode differs only because one side has no permission bits (backuptar writes type bits only) — "
                 "wcow-layer-format §1.4, §6",
                 {"**"}, {Field::Mode}, changed, [](const ChangeContext& c, Field) {
                     constexpr uint32_t perms = 07777, type = 0170000;
                     const uint32_t ma = c.a->mode, mb = c.b->mode;
                     const bool onePermless = (ma & perms) == 0 || (mb & perms) == 0;
                     const bool typesAgree = (ma & type) == 0 || (mb & type) == 0 || (ma & type) == (mb & type);
                     return onePermless && typesAgree;
                 }));
    // §6: the OS sets access and change times during import; they carry no meaning after a round trip.
    add(DiffRule("access-change-times", "access and change times, set by the OS during import — wcow-layer-format §6",
                 {"**"}, {Field::Accessed, Field::Changed}, changed));
    // §1.2, §6: hcsshim's export walks in byte order; Microsoft's tool orders differently.
    add(DiffRule::orderRule("entry-order",
                            "entry order in the tar (Go byte-order walk versus Microsoft's tool) — wcow-layer-format "
                            "§1.2, §6"));
    return rules;
}

} // namespace layerscope::diff
