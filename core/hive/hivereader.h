// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope::hive {

// Parses and validates a whole regf hive held in memory (regf-hive-format §16). Construction never throws for
// bad bytes: every structural problem becomes a Problem (with the file offset it concerns) and the parser keeps
// whatever it could read safely. Errors are what hivex/libregf/Windows reject; warnings are what Windows
// enforces but Linux tools do not (sort order, lh hashes, sk list and reference counts, dirty hive, …).
// Nothing is ever read outside the given bytes, nesting is capped at 512 levels and every key, list, value and
// data cell is followed at most once, so time and memory stay proportional to the file size.
class HiveReader
{
public:
    static constexpr uint64_t kMaxHiveSize = 512ull * 1024 * 1024;

    enum class Severity { Warning, Error };
    struct Problem
    {
        Severity severity = Severity::Error;
        std::string message;
        uint64_t offset = 0; // byte offset in the file
    };

    struct Value
    {
        std::string name; // UTF-8; empty = default value
        uint32_t type = 0;
        std::vector<uint8_t> data;
        uint64_t offset = 0; // file offset of the vk cell
        uint16_t flags = 0; // vk flags: 0x1 compressed name, 0x2 tombstone in a delta hive (registry-delta-hives §3.2)
    };

    struct Key
    {
        std::string name; // UTF-8
        std::string className;
        uint64_t lastWritten = 0; // FILETIME
        uint16_t flags = 0;
        // nk byte 13 (registry-delta-hives §3.1): layered-key bits of delta hives, 0 in ordinary hives.
        uint8_t layerBits = 0;
        uint32_t security = 0xFFFFFFFF; // relative offset of the key's sk cell; see securityDescriptor()
        uint64_t offset = 0; // file offset of the nk cell
        std::vector<Key> subkeys; // in list order (sorted in a well-formed hive)
        std::vector<Value> values; // in value-list order

        const Key* child(std::string_view name) const; // case-insensitive, like Windows
        const Value* value(std::string_view name) const;
    };

    struct Header
    {
        uint32_t primarySequence = 0;
        uint32_t secondarySequence = 0;
        uint64_t lastWritten = 0;
        uint32_t majorVersion = 0;
        uint32_t minorVersion = 0;
        uint32_t fileType = 0;
        uint32_t fileFormat = 0;
        uint32_t rootOffset = 0; // relative to the first bin
        uint32_t binsSize = 0;
        uint32_t clusteringFactor = 0;
        std::string fileName; // base-block name field, UTF-8
        uint32_t checksum = 0; // as stored
    };

    explicit HiveReader(std::span<const uint8_t> bytes);
    // Reads a file (refusing more than kMaxHiveSize bytes) and parses it; throws layerscope::Error naming the
    // file when it cannot be read or is too large. Problems found in the bytes are reported as usual.
    static HiveReader fromFile(const std::filesystem::path& path);

    const Header& header() const { return m_header; }
    std::string version() const; // "1.5"
    uint64_t fileSize() const { return m_fileSize; }
    const Key* root() const { return m_root ? &*m_root : nullptr; }
    std::string rootName() const { return m_root ? m_root->name : std::string(); }
    // A key by backslash-separated path below the root ("Objects\\{guid}"), case-insensitive; "" = root.
    const Key* find(std::string_view path) const;

    // The self-relative security descriptor held by a key's sk cell (regf-hive-format §10); empty when the key has
    // none or its cell is unusable.
    std::span<const uint8_t> securityDescriptor(const Key& key) const;

    const std::vector<Problem>& problems() const { return m_problems; }
    bool valid() const; // no errors (warnings allowed)
    size_t errorCount() const;
    size_t warningCount() const;

    // { "valid", "version", "rootName", "sequence": [p, s], "lastWritten", "fileName",
    //   "problems": [{severity, message, offset}], "keys": [{"path", "values": [{name, type, data}]}] }
    nlohmann::json toJson() const;
    // A readable dump: header facts, problems, then every key path with its values (.reg-like).
    std::string toText() const;

private:
    class Parser;

    Header m_header;
    uint64_t m_fileSize = 0;
    std::optional<Key> m_root;
    std::vector<Problem> m_problems;
    std::map<uint32_t, std::vector<uint8_t>> m_descriptors; // sk cell → descriptor; keys share a few of them
};

std::string severityName(HiveReader::Severity severity); // "error" / "warning"

} // namespace layerscope::hive
