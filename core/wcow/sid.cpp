// SPDX-License-Identifier: Apache-2.0
#include "sid.h"

#include "common/error.h"

#include <cstdio>

namespace layerscope::wcow {

namespace {

struct WellKnown
{
    const char* sid;
    const char* alias; // SDDL alias Windows prints, or nullptr
    const char* name;
};

// SDDL aliases (Microsoft "SID strings" table, sddl.h) for SIDs that do not depend on a domain, plus friendly
// names for SIDs common in Windows container layers. Windows' converter prints the alias instead of the S-1-...
// form whenever one exists, so this table decides SDDL output.
constexpr WellKnown kWellKnown[] = {
    {"S-1-1-0", "WD", "Everyone"},
    {"S-1-3-0", "CO", "CREATOR OWNER"},
    {"S-1-3-1", "CG", "CREATOR GROUP"},
    {"S-1-3-4", "OW", "OWNER RIGHTS"},
    {"S-1-5-2", "NU", "NT AUTHORITY\\NETWORK"},
    {"S-1-5-4", "IU", "NT AUTHORITY\\INTERACTIVE"},
    {"S-1-5-6", "SU", "NT AUTHORITY\\SERVICE"},
    {"S-1-5-7", "AN", "NT AUTHORITY\\ANONYMOUS LOGON"},
    {"S-1-5-9", "ED", "NT AUTHORITY\\ENTERPRISE DOMAIN CONTROLLERS"},
    {"S-1-5-10", "PS", "NT AUTHORITY\\SELF"},
    {"S-1-5-11", "AU", "NT AUTHORITY\\Authenticated Users"},
    {"S-1-5-12", "RC", "NT AUTHORITY\\RESTRICTED"},
    {"S-1-5-18", "SY", "NT AUTHORITY\\SYSTEM"},
    {"S-1-5-19", "LS", "NT AUTHORITY\\LOCAL SERVICE"},
    {"S-1-5-20", "NS", "NT AUTHORITY\\NETWORK SERVICE"},
    {"S-1-5-33", "WR", "NT AUTHORITY\\WRITE RESTRICTED"},
    {"S-1-5-32-544", "BA", "BUILTIN\\Administrators"},
    {"S-1-5-32-545", "BU", "BUILTIN\\Users"},
    {"S-1-5-32-546", "BG", "BUILTIN\\Guests"},
    {"S-1-5-32-547", "PU", "BUILTIN\\Power Users"},
    {"S-1-5-32-548", "AO", "BUILTIN\\Account Operators"},
    {"S-1-5-32-549", "SO", "BUILTIN\\Server Operators"},
    {"S-1-5-32-550", "PO", "BUILTIN\\Print Operators"},
    {"S-1-5-32-551", "BO", "BUILTIN\\Backup Operators"},
    {"S-1-5-32-552", "RE", "BUILTIN\\Replicator"},
    {"S-1-5-32-554", "RU", "BUILTIN\\Pre-Windows 2000 Compatible Access"},
    {"S-1-5-32-555", "RD", "BUILTIN\\Remote Desktop Users"},
    {"S-1-5-32-556", "NO", "BUILTIN\\Network Configuration Operators"},
    {"S-1-5-32-558", "MU", "BUILTIN\\Performance Monitor Users"},
    {"S-1-5-32-559", "LU", "BUILTIN\\Performance Log Users"},
    {"S-1-5-32-568", "IS", "BUILTIN\\IIS_IUSRS"},
    {"S-1-5-32-569", "CY", "BUILTIN\\Cryptographic Operators"},
    {"S-1-5-32-573", "ER", "BUILTIN\\Event Log Readers"},
    {"S-1-5-32-574", "CD", "BUILTIN\\Certificate Service DCOM Access"},
    {"S-1-5-32-575", "RA", "BUILTIN\\RDS Remote Access Servers"},
    {"S-1-5-32-576", "ES", "BUILTIN\\RDS Endpoint Servers"},
    {"S-1-5-32-577", "MS", "BUILTIN\\RDS Management Servers"},
    {"S-1-5-32-578", "HA", "BUILTIN\\Hyper-V Administrators"},
    {"S-1-5-32-579", "AA", "BUILTIN\\Access Control Assistance Operators"},
    {"S-1-5-32-580", "RM", "BUILTIN\\Remote Management Users"},
    {"S-1-5-84-0-0-0-0-0", "UD", "NT AUTHORITY\\USER MODE DRIVERS"},
    {"S-1-15-2-1", "AC", "APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES"},
    {"S-1-16-4096", "LW", "Mandatory Label\\Low Mandatory Level"},
    {"S-1-16-8192", "ME", "Mandatory Label\\Medium Mandatory Level"},
    {"S-1-16-8448", "MP", "Mandatory Label\\Medium Plus Mandatory Level"},
    {"S-1-16-12288", "HI", "Mandatory Label\\High Mandatory Level"},
    {"S-1-16-16384", "SI", "Mandatory Label\\System Mandatory Level"},
    // No SDDL alias, but common in Windows images.
    {"S-1-0-0", nullptr, "NULL SID"},
    {"S-1-2-0", nullptr, "LOCAL"},
    {"S-1-5-113", nullptr, "NT AUTHORITY\\Local account"},
    {"S-1-5-114", nullptr, "NT AUTHORITY\\Local account and member of Administrators group"},
    {"S-1-5-80-0", nullptr, "NT SERVICE\\ALL SERVICES"},
    {"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464", nullptr, "NT SERVICE\\TrustedInstaller"},
    {"S-1-5-93-2-1", nullptr, "User Manager\\ContainerAdministrator"},
    {"S-1-5-93-2-2", nullptr, "User Manager\\ContainerUser"},
    {"S-1-15-2-2", nullptr, "APPLICATION PACKAGE AUTHORITY\\ALL RESTRICTED APPLICATION PACKAGES"},
};

// Aliases that stand for a SID in the machine's or forest's domain; we cannot resolve them offline.
constexpr const char* kDomainAliases[]
    = {"DA", "DG", "DU", "DD", "DC", "LA", "LG", "SA", "CA", "RS", "EA", "PA", "RO", "CN", "AP", "KA", "EK"};

bool parseUnsigned(std::string_view text, uint64_t limit, uint64_t& out)
{
    if (text.empty())
        return false;
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text.remove_prefix(2);
    }
    uint64_t value = 0;
    for (char c : text) {
        int digit = -1;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        if (digit < 0)
            return false;
        if (value > (limit - static_cast<uint64_t>(digit)) / static_cast<uint64_t>(base))
            return false;
        value = value * static_cast<uint64_t>(base) + static_cast<uint64_t>(digit);
    }
    out = value;
    return true;
}

} // namespace

Sid::Sid(uint64_t authority, std::vector<uint32_t> subAuthorities)
    : m_authority(authority)
    , m_subAuthorities(std::move(subAuthorities))
{ }

Sid Sid::fromBytes(std::span<const uint8_t> bytes, size_t offset)
{
    const auto fail
        = [&](const std::string& what) { throw Error("SID at byte " + std::to_string(offset) + ": " + what); };
    if (offset > bytes.size() || bytes.size() - offset < 8)
        fail("truncated: needs 8 header bytes, " + std::to_string(offset < bytes.size() ? bytes.size() - offset : 0)
             + " left");
    if (bytes[offset] != 1)
        fail("revision " + std::to_string(bytes[offset]) + ", expected 1");
    const size_t count = bytes[offset + 1];
    if (count > kMaxSubAuthorities)
        fail(std::to_string(count) + " sub-authorities, at most 15 are allowed");
    if (bytes.size() - offset < 8 + 4 * count)
        fail("truncated: " + std::to_string(count) + " sub-authorities need " + std::to_string(8 + 4 * count)
             + " bytes, " + std::to_string(bytes.size() - offset) + " left");
    Sid sid;
    for (size_t i = 0; i < 6; ++i)
        sid.m_authority = (sid.m_authority << 8) | bytes[offset + 2 + i];
    for (size_t i = 0; i < count; ++i) {
        const size_t at = offset + 8 + 4 * i;
        sid.m_subAuthorities.push_back(uint32_t(bytes[at]) | uint32_t(bytes[at + 1]) << 8
                                       | uint32_t(bytes[at + 2]) << 16 | uint32_t(bytes[at + 3]) << 24);
    }
    return sid;
}

std::optional<Sid> Sid::fromString(std::string_view text)
{
    if (text.size() == 2) {
        for (const auto& known : kWellKnown)
            if (known.alias && text == known.alias)
                return fromString(known.sid);
        return std::nullopt;
    }
    if (text.size() < 4 || (text[0] != 'S' && text[0] != 's') || text[1] != '-')
        return std::nullopt;
    std::vector<std::string_view> parts;
    size_t start = 2;
    while (true) {
        const size_t dash = text.find('-', start);
        parts.push_back(text.substr(start, dash == std::string_view::npos ? std::string_view::npos : dash - start));
        if (dash == std::string_view::npos)
            break;
        start = dash + 1;
    }
    // revision, authority, then 0..15 sub-authorities
    if (parts.size() < 2 || parts.size() > 2 + kMaxSubAuthorities || parts[0] != "1")
        return std::nullopt;
    uint64_t authority = 0;
    if (!parseUnsigned(parts[1], 0xFFFFFFFFFFFFull, authority))
        return std::nullopt;
    std::vector<uint32_t> subs;
    for (size_t i = 2; i < parts.size(); ++i) {
        uint64_t value = 0;
        if (!parseUnsigned(parts[i], 0xFFFFFFFFull, value))
            return std::nullopt;
        subs.push_back(static_cast<uint32_t>(value));
    }
    return Sid(authority, std::move(subs));
}

bool Sid::isDomainAlias(std::string_view text)
{
    for (const char* alias : kDomainAliases)
        if (text == alias)
            return true;
    return false;
}

void Sid::appendTo(std::vector<uint8_t>& out) const
{
    out.push_back(1);
    out.push_back(static_cast<uint8_t>(m_subAuthorities.size()));
    for (int shift = 40; shift >= 0; shift -= 8)
        out.push_back(static_cast<uint8_t>(m_authority >> shift));
    for (uint32_t sub : m_subAuthorities)
        for (int shift = 0; shift < 32; shift += 8)
            out.push_back(static_cast<uint8_t>(sub >> shift));
}

std::string Sid::toString() const
{
    std::string out = "S-1-";
    if (m_authority >= (uint64_t(1) << 32)) {
        char buffer[24];
        std::snprintf(buffer, sizeof buffer, "0x%012llX", static_cast<unsigned long long>(m_authority));
        out += buffer;
    } else {
        out += std::to_string(m_authority);
    }
    for (uint32_t sub : m_subAuthorities) {
        out += '-';
        out += std::to_string(sub);
    }
    return out;
}

std::string Sid::alias() const
{
    const std::string text = toString();
    for (const auto& known : kWellKnown)
        if (known.alias && text == known.sid)
            return known.alias;
    return {};
}

std::string Sid::sddl() const
{
    std::string a = alias();
    return a.empty() ? toString() : a;
}

std::string Sid::friendlyName() const
{
    const std::string text = toString();
    for (const auto& known : kWellKnown)
        if (text == known.sid)
            return known.name;
    return {};
}

} // namespace layerscope::wcow
