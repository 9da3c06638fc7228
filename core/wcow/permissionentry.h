// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "wcow/securitydescriptor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace layerscope::wcow {

// One row of Windows' "Advanced Security Settings" permission (and auditing) list: an ACE in words. Faces show
// these as they are; every decision about what an ACE means is made here (AccessRights).
struct PermissionEntry
{
    enum class List : uint8_t { Dacl, Sacl };
    // What the ACE does, for faces that mark denials and audits apart from grants.
    enum class Kind : uint8_t { Allow, Deny, Audit, Other };

    List list = List::Dacl;
    Kind kind = Kind::Other;
    std::string type; // "Allow", "Deny", "Audit (failure)", "Mandatory label", ...
    std::string principal; // account name ("NT SERVICE\\TrustedInstaller"), or the SID when the name is unknown
    std::string sid; // "S-1-5-80-…"; empty for ACEs without a SID (opaque types)
    std::string access; // "Full control", "Read & execute", "Special", ...; the policy for mandatory labels
    std::vector<std::string> rights; // each right in words (AccessRights::rightNames)
    uint32_t mask = 0;
    uint8_t flags = 0; // the ACE flags as stored
    bool inherited = false; // INHERITED_ACE: it came from the parent folder
    std::string appliesTo; // "This folder, subfolders and files", "This file only", ...
    std::string sddl; // the ACE as SDDL, "(A;OICIIO;GA;;;CO)"

    // Every ACE of the DACL, then of the SACL, in stored order (the order Windows evaluates them). `directory`
    // decides the folder or file wording (a junction is a directory).
    static std::vector<PermissionEntry> listOf(const SecurityDescriptor& descriptor, bool directory);
    // "NT AUTHORITY\\SYSTEM" for well-known SIDs, else the S-1-… string.
    static std::string accountName(const Sid& sid);
};

} // namespace layerscope::wcow
