// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sid.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope::wcow {

// A Windows SECURITY_DESCRIPTOR as carried by MSWINDOWS.rawsd (self-relative binary, wcow-layer-format §1.5) and
// MSWINDOWS.sd (SDDL, legacy), with the two conversions Windows' ConvertSecurityDescriptorToStringSecurityDescriptor
// and ConvertStringSecurityDescriptorToSecurityDescriptor perform. Written by hand: no Linux library speaks SDDL.
//
// SDDL output follows Windows exactly for the ACE kinds layers carry (MS-DTYP §2.5.1):
// - sections in the order O: G: D: S:; a section is left out when its part is absent (no owner, or the control
//   word lacks SE_DACL_PRESENT / SE_SACL_PRESENT). A present but NULL ACL prints "NO_ACCESS_CONTROL" after the
//   ACL flags ("D:NO_ACCESS_CONTROL", "S:AINO_ACCESS_CONTROL").
// - ACL flags P, AR, AI in that order; ACE flags OI CI NP IO ID SA FA (bit order).
// - rights: "" for 0; else an alias when the mask equals one exactly (GA GR GW GX RC SD WD WO RP WP CC DC LC SW LO DT
//   CR, then FA FR FW FX, KA KR KW KX — Windows does not know the object type, so a registry mask 0xF003F prints
//   "KA" and 0x20019 prints "KR" even on a file, as seen in real registry SDDL); else the concatenation of
//   single-bit names in bit order (CC DC LC SW RP WP DT LO CR SD RC WD WO GA GX GW GR, so 0xA0000000 is "GXGR")
//   when every set bit has one; else "0x" + lower-case hex ("0x1200a9"). Mandatory-label ACEs use NW NR NX.
// - SIDs as their alias when Windows has a domain-independent one (Sid::alias), else S-1-....
// - GUIDs of object ACEs in lower case.
// Our extensions, for ACE kinds whose SDDL Windows builds from data we do not decode: callback and
// resource-attribute ACEs put their trailing application data as "0x<hex>" in a seventh field, and ACE types
// without a mask+SID layout (compound ACEs, unknown types) print as "(0x<type>;<flags>;0x<hex body>)". Unknown ACE
// flag bits print as "0x<hex>" inside the flags field. fromSddl() reads all of these back.
class SecurityDescriptor
{
public:
    // SECURITY_DESCRIPTOR_CONTROL bits.
    enum Control : uint16_t {
        OwnerDefaulted = 0x0001,
        GroupDefaulted = 0x0002,
        DaclPresent = 0x0004,
        DaclDefaulted = 0x0008,
        SaclPresent = 0x0010,
        SaclDefaulted = 0x0020,
        DaclAutoInheritReq = 0x0100,
        SaclAutoInheritReq = 0x0200,
        DaclAutoInherited = 0x0400,
        SaclAutoInherited = 0x0800,
        DaclProtected = 0x1000,
        SaclProtected = 0x2000,
        RmControlValid = 0x4000,
        SelfRelative = 0x8000,
    };

    enum AceType : uint8_t {
        AccessAllowed = 0x00,
        AccessDenied = 0x01,
        SystemAudit = 0x02,
        SystemAlarm = 0x03,
        AccessAllowedCompound = 0x04,
        AccessAllowedObject = 0x05,
        AccessDeniedObject = 0x06,
        SystemAuditObject = 0x07,
        SystemAlarmObject = 0x08,
        AccessAllowedCallback = 0x09,
        AccessDeniedCallback = 0x0A,
        AccessAllowedCallbackObject = 0x0B,
        AccessDeniedCallbackObject = 0x0C,
        SystemAuditCallback = 0x0D,
        SystemAlarmCallback = 0x0E,
        SystemAuditCallbackObject = 0x0F,
        SystemAlarmCallbackObject = 0x10,
        SystemMandatoryLabel = 0x11,
        SystemResourceAttribute = 0x12,
        SystemScopedPolicyId = 0x13,
        SystemProcessTrustLabel = 0x14,
        SystemAccessFilter = 0x15,
    };

    enum AceFlag : uint8_t {
        ObjectInherit = 0x01,
        ContainerInherit = 0x02,
        NoPropagateInherit = 0x04,
        InheritOnly = 0x08,
        Inherited = 0x10,
        SuccessfulAccess = 0x40,
        FailedAccess = 0x80,
    };

    using Guid = std::array<uint8_t, 16>; // as stored: Data1..3 little-endian, Data4 bytes

    struct Ace
    {
        uint8_t type = AccessAllowed;
        uint8_t flags = 0;
        uint32_t mask = 0;
        // Object ACEs (types 5-8, 0x0B, 0x0C, 0x0F, 0x10) only; the flags word says which GUIDs are present.
        std::optional<Guid> objectType;
        std::optional<Guid> inheritedObjectType;
        Sid sid;
        // Bytes after the SID up to AceSize: the condition of callback ACEs, the attribute of resource-attribute
        // ACEs, or padding. Kept so that binary -> model -> binary is exact.
        std::vector<uint8_t> applicationData;
        // For ACE types without a mask+SID layout: every byte after the 4-byte ACE header; other fields unused.
        bool opaque = false;
        std::vector<uint8_t> body;

        bool operator==(const Ace&) const = default;
    };

    struct Acl
    {
        uint8_t revision = 2; // ACL_REVISION; 4 (ACL_REVISION_DS) when object ACEs are present
        std::vector<Ace> aces;
        // Bytes declared by AclSize beyond the last ACE (allocated slack); zero-filled on write.
        uint16_t slack = 0;

        bool operator==(const Acl&) const = default;
    };

    SecurityDescriptor() = default;

    // Parses a self-relative descriptor with full bounds checking. Throws layerscope::Error with a message naming
    // the byte offset and the structure at fault (truncated header, offsets past the end, an ACL whose AceCount
    // does not fit its AclSize, ...). Reads nothing outside `bytes`.
    static SecurityDescriptor fromBinary(std::span<const uint8_t> bytes);
    // Parses SDDL as ConvertStringSecurityDescriptorToSecurityDescriptor does, for the vocabulary toSddl()
    // writes (plus decimal masks). Throws layerscope::Error naming the character position.
    static SecurityDescriptor fromSddl(std::string_view sddl);

    // Self-relative binary in the layout Windows' MakeSelfRelativeSD produces: 20-byte header, then SACL, DACL,
    // owner, group (the layout of the regf-hive-format §10 descriptor and imgutil's 52-byte one), each part
    // directly after the previous. SE_SELF_RELATIVE is always set. Descriptors already in this layout round-trip
    // byte for byte.
    std::vector<uint8_t> toBinary() const;
    std::string toSddl() const;

    uint16_t control() const { return m_control; }
    void setControl(uint16_t control) { m_control = control; }
    // The Sbz1 byte (resource-manager control bits when RmControlValid is set).
    uint8_t resourceManagerControl() const { return m_rmControl; }

    const std::optional<Sid>& owner() const { return m_owner; }
    const std::optional<Sid>& group() const { return m_group; }
    void setOwner(std::optional<Sid> sid) { m_owner = std::move(sid); }
    void setGroup(std::optional<Sid> sid) { m_group = std::move(sid); }

    bool daclPresent() const { return m_control & DaclPresent; }
    bool saclPresent() const { return m_control & SaclPresent; }
    // nullopt for an absent or NULL ACL (tell them apart with daclPresent()).
    const std::optional<Acl>& dacl() const { return m_dacl; }
    const std::optional<Acl>& sacl() const { return m_sacl; }
    // Setting an ACL (or a NULL one, nullopt) marks it present.
    void setDacl(std::optional<Acl> acl);
    void setSacl(std::optional<Acl> acl);

    // Empty strings when there is no owner/group.
    std::string ownerSid() const;
    std::string groupSid() const;
    // Friendly name for well-known SIDs ("BUILTIN\\Administrators"), else the SID string.
    std::string ownerName() const;
    std::string groupName() const;

    // One SDDL ACE string per ACE, DACL first then SACL, for one-ACE-per-line views: "(A;OICI;FA;;;BA)".
    std::vector<std::string> aceStrings() const;
    static std::string aceString(const Ace& ace);
    // The rights part of an ACE string as Windows renders it (see the class comment).
    static std::string rightsString(uint32_t mask, uint8_t aceType = AccessAllowed);

    bool operator==(const SecurityDescriptor&) const = default;

private:
    uint16_t m_control = SelfRelative;
    uint8_t m_rmControl = 0;
    std::optional<Sid> m_owner;
    std::optional<Sid> m_group;
    std::optional<Acl> m_dacl;
    std::optional<Acl> m_sacl;
};

} // namespace layerscope::wcow
