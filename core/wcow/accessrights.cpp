// SPDX-License-Identifier: Apache-2.0
#include "wcow/accessrights.h"

#include "wcow/securitydescriptor.h"

#include <cstdio>

namespace layerscope::wcow {

namespace {

using SD = SecurityDescriptor;

std::string hex(uint32_t value)
{
    char text[16];
    std::snprintf(text, sizeof text, "0x%x", unsigned(value));
    return text;
}

struct RightName
{
    uint32_t bit;
    const char* folder; // the dialog's wording on a folder (it names both meanings of the shared bits)
    const char* file; // on a file only the file meaning applies
};

// The dialog's advanced permission list, in its order. SYNCHRONIZE is set by every basic permission and never
// shown by the dialog; it is left out of the words but still counted by summary().
constexpr RightName kRights[] = {
    {AccessRights::Execute, "Traverse folder / execute file", "Execute file"},
    {AccessRights::ReadData, "List folder / read data", "Read data"},
    {AccessRights::ReadAttributes, "Read attributes", "Read attributes"},
    {AccessRights::ReadEa, "Read extended attributes", "Read extended attributes"},
    {AccessRights::WriteData, "Create files / write data", "Write data"},
    {AccessRights::AppendData, "Create folders / append data", "Append data"},
    {AccessRights::WriteAttributes, "Write attributes", "Write attributes"},
    {AccessRights::WriteEa, "Write extended attributes", "Write extended attributes"},
    {AccessRights::DeleteChild, "Delete subfolders and files", "Delete subfolders and files"},
    {AccessRights::Delete, "Delete", "Delete"},
    {AccessRights::ReadControl, "Read permissions", "Read permissions"},
    {AccessRights::WriteDac, "Change permissions", "Change permissions"},
    {AccessRights::WriteOwner, "Take ownership", "Take ownership"},
    {AccessRights::SystemSecurity, "Access system security (SACL)", "Access system security (SACL)"},
    {AccessRights::MaximumAllowed, "Maximum allowed", "Maximum allowed"},
};

} // namespace

uint32_t AccessRights::mapGeneric(uint32_t mask)
{
    uint32_t out = mask & ~uint32_t(GenericAll | GenericExecute | GenericWrite | GenericRead);
    if (mask & GenericRead)
        out |= 0x120089; // FILE_GENERIC_READ
    if (mask & GenericWrite)
        out |= 0x120116; // FILE_GENERIC_WRITE
    if (mask & GenericExecute)
        out |= 0x1200a0; // FILE_GENERIC_EXECUTE
    if (mask & GenericAll)
        out |= kFullControl; // FILE_ALL_ACCESS
    return out;
}

std::string AccessRights::summary(uint32_t mask, bool directory, uint8_t aceFlags)
{
    const uint32_t m = mapGeneric(mask);
    if (m == 0)
        return "None";
    // The basic permissions differ from each other by more than SYNCHRONIZE, and descriptors written by other
    // tools often leave it out, so it does not decide the name.
    const uint32_t core = m & ~uint32_t(Synchronize);
    const auto is = [core](uint32_t basic) { return core == (basic & ~uint32_t(Synchronize)); };
    if (is(kFullControl))
        return "Full control";
    if (is(kModify))
        return "Modify";
    if (is(kReadExecute)) {
        // The Security tab's "List folder contents" is read & execute that only folders inherit.
        const bool foldersOnly = (aceFlags & SD::ContainerInherit) && !(aceFlags & SD::ObjectInherit);
        return directory && foldersOnly ? "List folder contents" : "Read & execute";
    }
    if (is(kRead))
        return "Read";
    if (is(kWrite))
        return "Write";
    if (is(kRead | kWrite))
        return "Read & write";
    if (is(kReadExecute | kWrite))
        return "Read, write & execute";
    return "Special";
}

std::vector<std::string> AccessRights::rightNames(uint32_t mask, bool directory)
{
    const uint32_t m = mapGeneric(mask);
    std::vector<std::string> names;
    uint32_t explained = Synchronize;
    for (const RightName& right : kRights) {
        if (m & right.bit)
            names.emplace_back(directory ? right.folder : right.file);
        explained |= right.bit;
    }
    if (const uint32_t rest = m & ~explained)
        names.push_back(hex(rest));
    return names;
}

std::string AccessRights::appliesTo(uint8_t aceFlags, bool directory)
{
    const bool inheritOnly = aceFlags & SD::InheritOnly;
    if (!directory)
        return inheritOnly ? "Nothing (inherit-only on a file)" : "This file only";
    const bool files = aceFlags & SD::ObjectInherit;
    const bool folders = aceFlags & SD::ContainerInherit;
    std::string text;
    if (!inheritOnly) {
        if (files && folders)
            text = "This folder, subfolders and files";
        else if (folders)
            text = "This folder and subfolders";
        else if (files)
            text = "This folder and files";
        else
            text = "This folder only";
    } else {
        if (files && folders)
            text = "Subfolders and files only";
        else if (folders)
            text = "Subfolders only";
        else if (files)
            text = "Files only";
        else
            return "Nothing (inherit-only without inheritance)";
    }
    if ((aceFlags & SD::NoPropagateInherit) && (files || folders))
        text += " (this level only)";
    return text;
}

std::string AccessRights::aceTypeName(uint8_t aceType, uint8_t aceFlags)
{
    std::string audited;
    if (aceFlags & SD::SuccessfulAccess)
        audited = "success";
    if (aceFlags & SD::FailedAccess)
        audited += audited.empty() ? "failure" : ", failure";
    const std::string audit = audited.empty() ? std::string("Audit") : "Audit (" + audited + ")";
    switch (aceType) {
    case SD::AccessAllowed:
        return "Allow";
    case SD::AccessDenied:
        return "Deny";
    case SD::SystemAudit:
        return audit;
    case SD::SystemAlarm:
        return "Alarm";
    case SD::AccessAllowedCompound:
        return "Allow (compound)";
    case SD::AccessAllowedObject:
        return "Allow (object)";
    case SD::AccessDeniedObject:
        return "Deny (object)";
    case SD::SystemAuditObject:
        return audit + " (object)";
    case SD::SystemAlarmObject:
        return "Alarm (object)";
    case SD::AccessAllowedCallback:
        return "Allow (conditional)";
    case SD::AccessDeniedCallback:
        return "Deny (conditional)";
    case SD::AccessAllowedCallbackObject:
        return "Allow (conditional, object)";
    case SD::AccessDeniedCallbackObject:
        return "Deny (conditional, object)";
    case SD::SystemAuditCallback:
        return audit + " (conditional)";
    case SD::SystemAlarmCallback:
        return "Alarm (conditional)";
    case SD::SystemAuditCallbackObject:
        return audit + " (conditional, object)";
    case SD::SystemAlarmCallbackObject:
        return "Alarm (conditional, object)";
    case SD::SystemMandatoryLabel:
        return "Mandatory label";
    case SD::SystemResourceAttribute:
        return "Resource attribute";
    case SD::SystemScopedPolicyId:
        return "Central access policy";
    case SD::SystemProcessTrustLabel:
        return "Process trust label";
    case SD::SystemAccessFilter:
        return "Access filter";
    }
    return "Unknown ACE type " + hex(aceType);
}

std::string AccessRights::mandatoryPolicy(uint32_t mask)
{
    std::string text;
    const auto add = [&](const char* part) { text += text.empty() ? part : std::string(", ") + part; };
    if (mask & 0x1)
        add("No write up");
    if (mask & 0x2)
        add("No read up");
    if (mask & 0x4)
        add("No execute up");
    if (const uint32_t rest = mask & ~uint32_t(0x7))
        add(hex(rest).c_str());
    return text.empty() ? "None" : text;
}

std::vector<std::string> AccessRights::controlNames(uint16_t control)
{
    std::vector<std::string> names;
    if (control & SD::DaclProtected)
        names.emplace_back("inheritance disabled (protected DACL)");
    if (control & SD::DaclAutoInherited)
        names.emplace_back("DACL auto-inherited");
    if (control & SD::DaclAutoInheritReq)
        names.emplace_back("DACL inheritance requested");
    if (control & SD::DaclDefaulted)
        names.emplace_back("DACL defaulted");
    if (control & SD::SaclProtected)
        names.emplace_back("SACL protected");
    if (control & SD::SaclAutoInherited)
        names.emplace_back("SACL auto-inherited");
    if (control & SD::SaclAutoInheritReq)
        names.emplace_back("SACL inheritance requested");
    if (control & SD::SaclDefaulted)
        names.emplace_back("SACL defaulted");
    if (control & SD::OwnerDefaulted)
        names.emplace_back("owner defaulted");
    if (control & SD::GroupDefaulted)
        names.emplace_back("group defaulted");
    if (control & SD::RmControlValid)
        names.emplace_back("resource-manager control bits");
    return names;
}

} // namespace layerscope::wcow
