// SPDX-License-Identifier: Apache-2.0
#include "diff/field.h"

#include <bit>

namespace layerscope::diff {

namespace {

constexpr const char* kNames[] = {"content",  "size",    "type", "attributes", "sddl",   "created", "modified",
                                  "accessed", "changed", "mode", "linkTarget", "xattrs", "streams", "hardlinkGroup"};
static_assert(std::size(kNames) == size_t(Field::Count));

} // namespace

const char* fieldName(Field field)
{
    return field < Field::Count ? kNames[size_t(field)] : "?";
}

std::optional<Field> fieldFromName(std::string_view name)
{
    for (size_t i = 0; i < std::size(kNames); ++i)
        if (name == kNames[i])
            return Field(i);
    return std::nullopt;
}

int FieldSet::size() const
{
    return std::popcount(m_bits);
}

std::vector<Field> FieldSet::list() const
{
    std::vector<Field> out;
    for (size_t i = 0; i < size_t(Field::Count); ++i)
        if (contains(Field(i)))
            out.push_back(Field(i));
    return out;
}

} // namespace layerscope::diff
