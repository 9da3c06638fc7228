// SPDX-License-Identifier: Apache-2.0
#include "wcow/permissionentry.h"

#include "wcow/accessrights.h"

namespace layerscope::wcow {

namespace {

PermissionEntry::Kind kindOf(uint8_t type)
{
    using SD = SecurityDescriptor;
    switch (type) {
    case SD::AccessAllowed:
    case SD::AccessAllowedCompound:
    case SD::AccessAllowedObject:
    case SD::AccessAllowedCallback:
    case SD::AccessAllowedCallbackObject:
        return PermissionEntry::Kind::Allow;
    case SD::AccessDenied:
    case SD::AccessDeniedObject:
    case SD::AccessDeniedCallback:
    case SD::AccessDeniedCallbackObject:
        return PermissionEntry::Kind::Deny;
    case SD::SystemAudit:
    case SD::SystemAuditObject:
    case SD::SystemAuditCallback:
    case SD::SystemAuditCallbackObject:
        return PermissionEntry::Kind::Audit;
    default:
        return PermissionEntry::Kind::Other;
    }
}

} // namespace

std::string PermissionEntry::accountName(const Sid& sid)
{
    std::string name = sid.friendlyName();
    return name.empty() ? sid.toString() : name;
}

std::vector<PermissionEntry> PermissionEntry::listOf(const SecurityDescriptor& descriptor, bool directory)
{
    std::vector<PermissionEntry> out;
    const auto add = [&](List list, const std::optional<SecurityDescriptor::Acl>& acl) {
        if (!acl)
            return;
        for (const auto& ace : acl->aces) {
            PermissionEntry e;
            e.list = list;
            e.flags = ace.flags;
            e.kind = kindOf(ace.type);
            e.type = AccessRights::aceTypeName(ace.type, ace.flags);
            e.inherited = ace.flags & SecurityDescriptor::Inherited;
            e.appliesTo = AccessRights::appliesTo(ace.flags, directory);
            e.sddl = SecurityDescriptor::aceString(ace);
            if (ace.opaque) {
                // MS-DTYP §2.4.4: compound and unknown ACE types have no mask+SID layout to describe.
                e.principal = "(not decoded)";
                e.access = "Special";
            } else {
                e.mask = ace.mask;
                e.sid = ace.sid.toString();
                e.principal = accountName(ace.sid);
                if (ace.type == SecurityDescriptor::SystemMandatoryLabel) {
                    e.access = AccessRights::mandatoryPolicy(ace.mask);
                } else {
                    e.access = AccessRights::summary(ace.mask, directory, ace.flags);
                    e.rights = AccessRights::rightNames(ace.mask, directory);
                }
            }
            out.push_back(std::move(e));
        }
    };
    if (descriptor.daclPresent())
        add(List::Dacl, descriptor.dacl());
    if (descriptor.saclPresent())
        add(List::Sacl, descriptor.sacl());
    return out;
}

} // namespace layerscope::wcow
