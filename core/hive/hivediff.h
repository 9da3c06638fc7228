// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "hive/hivereader.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace layerscope::hive {

// Compares two parsed hives as the registry sees them, not as bytes: keys matched by name case-insensitively at
// every level (regf-hive-format §7, as Windows does), values matched by name the same way and compared by type and
// data, plus each key's class name, security descriptor, flags and, in delta hives, layered-key bits
// (registry-delta-hives §3). Where cells sit, free cells, list shapes (lf/lh/ri), compressed or UTF-16 name
// storage and big-data segmentation are representation only and never show up.
//
// Last-written times of keys and the base block's sequence numbers, time stamp and file name change whenever a
// tool re-saves a hive; they are kept apart as noise, so that "rewritten but equal" can be told from a real
// registry change. Both readers are borrowed and must outlive the diff. Time and memory are linear in the two
// hives' sizes: every key is visited once, children are matched by one sort per key.
class HiveDiff
{
public:
    enum class Kind : uint8_t { KeyAdded, KeyRemoved, KeyChanged, ValueAdded, ValueRemoved, ValueChanged };

    // What differs in a KeyChanged / ValueChanged (bits).
    enum Field : uint16_t {
        Name = 1 << 0, // same name but spelled in a different case
        ClassName = 1 << 1,
        Security = 1 << 2,
        Flags = 1 << 3, // nk flags other than the name-storage bit; vk flags (delta-hive tombstone)
        LayerBits = 1 << 4, // registry-delta-hives §3.1: tombstone / supersede / inherit class
        Type = 1 << 5,
        Data = 1 << 6,
        LastWritten = 1 << 7, // noise on its own
    };

    struct Change
    {
        Kind kind = Kind::KeyChanged;
        uint16_t fields = 0; // Changed kinds only
        std::string path; // key path below the root, backslash-separated, as side A spells it ("" = the root)
        const HiveReader::Key* keyA = nullptr; // the key (of a value change: its key) on each side, when present
        const HiveReader::Key* keyB = nullptr;
        const HiveReader::Value* valueA = nullptr;
        const HiveReader::Value* valueB = nullptr;

        bool isValue() const { return kind >= Kind::ValueAdded; }
        const std::string& valueName() const { return valueA ? valueA->name : valueB->name; }
    };

    // A base-block difference (sequence numbers, time stamp, version, file name) or the root key's name.
    struct HeaderChange
    {
        std::string field;
        std::string a;
        std::string b;
        bool noise = false; // what any re-save changes
    };

    enum class Verdict : uint8_t {
        Identical, // nothing differs, not even a time stamp
        EqualExceptNoise, // only last-written times and base-block noise: rewritten but equal
        Different, // a real registry change
    };

    HiveDiff(const HiveReader& a, const HiveReader& b, Progress& progress = Progress::none());

    const HiveReader& a() const { return *m_a; }
    const HiveReader& b() const { return *m_b; }
    // Real changes in depth-first order: a key's own change, then its values, then its subkeys (sorted by name).
    // An added or removed key stands for its whole subtree.
    const std::vector<Change>& changes() const { return m_changes; }
    // Keys whose only difference is the last-written time.
    const std::vector<Change>& timestampOnly() const { return m_timestamps; }
    const std::vector<HeaderChange>& header() const { return m_header; }
    Verdict verdict() const;
    bool isBcd() const { return m_bcd; }

    // How many of each kind (changes only), indexed by Kind.
    uint64_t count(Kind kind) const { return m_counts[size_t(kind)]; }

    // A readable label for a change's key in a BCD store ("{bootmgr} default (0x23000003)"), else "".
    std::string bcdLabel(const Change& change) const;
    // One side of a change as people read it, for report tables: a value as "REG_SZ \"text\"", a changed key as
    // its differing fields ("class: …; security: O:BA…"), an added or removed key as "key with 2 values, 3 keys
    // below"; "" for the side where it is absent.
    std::string sideText(const Change& change, bool sideB) const;
    // "[key path]" or "[key path] \"value\"" ("(root)" for the root), with the BCD label when there is one.
    std::string where(const Change& change) const;

    // The security descriptor of a key on one side as SDDL ("" when none; "(unreadable: …)" when malformed).
    std::string sddl(const HiveReader::Key& key, bool sideB) const;

    // JSON for scripts: verdict, header, summary, changes (with each side's type and data), timestamp-only keys.
    // At most `maxTimestamps` timestamp-only keys are listed (their count always).
    nlohmann::json toJson(size_t maxTimestamps = SIZE_MAX) const;
    // A readable report; timestamp-only keys are counted, and listed when `listTimestamps`.
    std::string toText(bool listTimestamps = false) const;

private:
    void compareKeys(const HiveReader::Key& ka, const HiveReader::Key& kb, const std::string& path, unsigned depth);
    void add(Change change);

    const HiveReader* m_a;
    const HiveReader* m_b;
    Progress& m_progress;
    std::vector<Change> m_changes;
    std::vector<Change> m_timestamps;
    std::vector<HeaderChange> m_header;
    uint64_t m_counts[6] = {};
    uint64_t m_visited = 0;
    uint64_t m_total = 0;
    bool m_bcd = false;
};

const char* hiveChangeKindName(HiveDiff::Kind kind); // "key-added", …, "value-changed"
std::vector<std::string> hiveFieldNames(uint16_t fields); // "name", "className", "security", …
const char* hiveVerdictName(HiveDiff::Verdict verdict); // "identical", "equal-except-timestamps", "different"

} // namespace layerscope::hive
