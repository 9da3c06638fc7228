// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace layerscope::diff {

// What can differ between two entries matched by path. The names (fieldName) are the JSON contract's.
enum class Field : uint8_t {
    Content, // sha256 of the data (of the file a hard link points at)
    Size,
    Type,
    Attributes,
    Sddl,
    Created,
    Modified,
    Accessed,
    Changed,
    Mode,
    LinkTarget,
    Xattrs,
    Streams, // the set of alternate data stream names of a file
    HardlinkGroup, // the set of names sharing one file
    Count
};

const char* fieldName(Field field);
std::optional<Field> fieldFromName(std::string_view name);

// A small bit set of fields, in Field order when iterated.
class FieldSet
{
public:
    constexpr FieldSet() = default;
    constexpr FieldSet(std::initializer_list<Field> fields)
    {
        for (Field f : fields)
            insert(f);
    }
    static constexpr FieldSet all() { return FieldSet(uint16_t((1u << unsigned(Field::Count)) - 1)); }

    constexpr void insert(Field f) { m_bits |= uint16_t(1u << unsigned(f)); }
    constexpr void erase(Field f) { m_bits &= uint16_t(~(1u << unsigned(f))); }
    constexpr bool contains(Field f) const { return m_bits & (1u << unsigned(f)); }
    constexpr bool empty() const { return m_bits == 0; }
    int size() const;
    constexpr uint16_t bits() const { return m_bits; }
    std::vector<Field> list() const;

    constexpr FieldSet operator&(FieldSet o) const { return FieldSet(uint16_t(m_bits & o.m_bits)); }
    constexpr FieldSet operator|(FieldSet o) const { return FieldSet(uint16_t(m_bits | o.m_bits)); }
    constexpr FieldSet without(FieldSet o) const { return FieldSet(uint16_t(m_bits & ~o.m_bits)); }
    constexpr bool operator==(const FieldSet&) const = default;

private:
    constexpr explicit FieldSet(uint16_t bits)
        : m_bits(bits)
    { }
    uint16_t m_bits = 0;
};

} // namespace layerscope::diff
