// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace layerscope::wcow {

// File-system access masks and ACE flags in the words Windows' "Advanced Security Settings" dialog uses, so that a
// descriptor reads like it does on Windows rather than as hex.
//
// Masks follow MS-DTYP §2.4.3 (ACCESS_MASK: generic bits 28-31, ACCESS_SYSTEM_SECURITY 24, standard rights 16-20,
// object-specific rights 0-15) with the file object's specific rights (FILE_READ_DATA 0x1 ... FILE_WRITE_ATTRIBUTES
// 0x100). Generic bits are mapped to file rights first, as the I/O manager's generic mapping does for files
// (GENERIC_READ -> FILE_GENERIC_READ 0x120089, GENERIC_WRITE -> FILE_GENERIC_WRITE 0x120116, GENERIC_EXECUTE ->
// FILE_GENERIC_EXECUTE 0x1200a0, GENERIC_ALL -> FILE_ALL_ACCESS 0x1f01ff), so an inherit-only "GA" reads as Full
// control, the way the dialog shows it.
class AccessRights
{
public:
    enum FileRight : uint32_t {
        ReadData = 0x1, // "List folder / read data"
        WriteData = 0x2, // "Create files / write data"
        AppendData = 0x4, // "Create folders / append data"
        ReadEa = 0x8,
        WriteEa = 0x10,
        Execute = 0x20, // "Traverse folder / execute file"
        DeleteChild = 0x40,
        ReadAttributes = 0x80,
        WriteAttributes = 0x100,
        Delete = 0x10000,
        ReadControl = 0x20000,
        WriteDac = 0x40000,
        WriteOwner = 0x80000,
        Synchronize = 0x100000,
        SystemSecurity = 0x1000000,
        MaximumAllowed = 0x2000000,
        GenericAll = 0x10000000,
        GenericExecute = 0x20000000,
        GenericWrite = 0x40000000,
        GenericRead = 0x80000000,
    };

    // The basic permissions of the Security tab, as masks (SYNCHRONIZE included where Windows sets it).
    static constexpr uint32_t kFullControl = 0x1f01ff;
    static constexpr uint32_t kModify = 0x1301bf;
    static constexpr uint32_t kReadExecute = 0x1200a9;
    static constexpr uint32_t kRead = 0x120089;
    static constexpr uint32_t kWrite = 0x100116;

    // Generic bits replaced by the file rights they stand for; every other bit is kept.
    static uint32_t mapGeneric(uint32_t mask);

    // What the dialog's "Access" column says: "Full control", "Modify", "Read & execute", "List folder contents"
    // (read & execute inherited by subfolders only), "Read", "Write", "Read & write", "Read, write & execute",
    // "None" for an empty mask, else "Special". `directory` and `aceFlags` tell "List folder contents" apart.
    static std::string summary(uint32_t mask, bool directory = false, uint8_t aceFlags = 0);
    // Each right the mask grants, in the dialog's words and order ("Traverse folder / execute file", ...; files
    // get "Execute file", "Read data", ... when `directory` is false), after mapping generic bits; bits no file
    // right explains are listed as "0x…".
    static std::vector<std::string> rightNames(uint32_t mask, bool directory = false);

    // The "Applies to" column for an ACE's inheritance flags (OI, CI, NP, IO of MS-DTYP §2.4.4.1): "This folder,
    // subfolders and files", "Subfolders only", ...; for a file "This file only". NO_PROPAGATE_INHERIT adds
    // " (this level only)".
    static std::string appliesTo(uint8_t aceFlags, bool directory);

    // "Allow", "Deny", "Audit", "Alarm", "Mandatory label", ... for ACE types 0x00-0x15 (MS-DTYP §2.4.4.1); object
    // and callback variants say so ("Allow (object)"). Audit ACEs add what they audit: "Audit (success, failure)".
    static std::string aceTypeName(uint8_t aceType, uint8_t aceFlags = 0);
    // Mandatory-label masks (SYSTEM_MANDATORY_LABEL_NO_WRITE_UP 0x1, NO_READ_UP 0x2, NO_EXECUTE_UP 0x4).
    static std::string mandatoryPolicy(uint32_t mask);

    // SECURITY_DESCRIPTOR_CONTROL bits that change how permissions behave, in words: "inheritance disabled
    // (protected DACL)", "DACL auto-inherited", ... (MS-DTYP §2.4.6); SE_SELF_RELATIVE and the *_PRESENT bits,
    // which only describe the encoding, are left out.
    static std::vector<std::string> controlNames(uint16_t control);
};

} // namespace layerscope::wcow
