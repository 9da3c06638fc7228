// SPDX-License-Identifier: Apache-2.0
#pragma once

// Names for the numbers and GUIDs of a BCD store (registry-delta-hives §5), so that a diff of the utility VM's
// boot store reads "{bootmgr} default object" instead of "Objects\{9dea…}\Elements\23000003".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace layerscope::hive {

class HiveReader;

// Whether a hive has the shape of a BCD store: the root holds "Description" and "Objects" keys (§5).
bool looksLikeBcdStore(const HiveReader& hive);

// The alias of a well-known object GUID ("{bootmgr}"), compared case-insensitively; nothing for other GUIDs.
std::optional<std::string_view> bcdObjectAlias(std::string_view guid);
// A short name of an element type ("description" for 0x12000004); nothing when unknown. `objectType` (the
// object's Description\Type value, 0 when unknown) decides between names that share a number: 0x23000003 is
// the boot manager's default object but an OS loader's resume object.
std::optional<std::string_view> bcdElementName(uint32_t element, uint32_t objectType = 0);
// The element type class and format in words ("library string"), from its bit fields (§5).
std::string bcdElementKind(uint32_t element);

// A readable label for a key path below a BCD store's root, or "" when the path holds nothing to name:
//   Objects\{9dea862c-…}                       → "{bootmgr}"
//   Objects\{9dea862c-…}\Elements\23000003     → "{bootmgr} default object (0x23000003)"
// `objectType` as for bcdElementName.
std::string bcdPathLabel(std::string_view keyPath, uint32_t objectType = 0);
// A string value data that is one or more GUIDs, with known aliases added after each ("{9dea…} {bootmgr}"); the
// text unchanged when nothing is known.
std::string bcdAnnotateGuids(std::string_view text);

} // namespace layerscope::hive
