// SPDX-License-Identifier: Apache-2.0
#pragma once

// The hives a Windows base layer needs (wcow-layer-format §3.1): five empty config hives and, with a UtilityVM,
// a BCD store (§3.4).

#include "hivekey.h"
#include "hivewriter.h"

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace layerscope::hive {

// Files/Windows/System32/config/<name> in a base layer, in the order imgutil and hcsshim write them.
inline constexpr std::array<std::string_view, 5> kSystemHiveNames
    = {"DEFAULT", "SAM", "SECURITY", "SOFTWARE", "SYSTEM"};
// regf-hive-format §13: the root name is cosmetic; "ROOT" is what Windows 10 gives hives it creates itself and is
// the spec's recommendation, whereas Microsoft's host-process template name (TempEmpty_DEFAULT) describes a
// DEFAULT hive and would be misleading under SYSTEM or SAM.
inline constexpr std::string_view kSystemHiveRootName = "ROOT";
// bcdedit /createstore names the root of a new store like this (§13).
inline constexpr std::string_view kBcdRootName = "NewStoreRoot";
// Our OS-loader object. Any GUID works (imgutil's is arbitrary, wcow-layer-format §3.4); this one is fixed so
// that stores are reproducible, and its 16 bytes spell "LayerScopeOSLoad" in ASCII so it is recognisably ours.
inline constexpr std::string_view kBcdLoaderGuid = "{4c617965-7253-636f-7065-4f534c6f6164}";
// The well-known {bootmgr} object.
inline constexpr std::string_view kBcdBootManagerGuid = "{9dea862c-5cdd-4e70-acc1-f32b344d4795}";
inline constexpr uint32_t kBcdTypeOsLoader = 0x10200003; // Windows OS loader application object
inline constexpr uint32_t kBcdTypeBootManager = 0x10100002;

// An empty config hive: root key "ROOT", no subkeys or values, 8192 bytes laid out as regf-hive-format §11.
// fileName fills the informational base-block name field (e.g. "SYSTEM"); empty leaves it zero.
std::vector<uint8_t> emptySystemHive(std::string_view fileName = {}, const HiveWriteOptions& options = {});

// The key tree of a minimal BCD store (wcow-layer-format §3.4): store description, one OS loader described as
// `description`, and {bootmgr} defaulting to it.
HiveKey minimalBcdTree(std::string_view description = "LayerScope");
std::vector<uint8_t> minimalBcdStore(std::string_view description = "LayerScope", const HiveWriteOptions& options = {});

} // namespace layerscope::hive
