// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope::wcow {

// A Windows security identifier (MS-DTYP §2.4.2): revision 1, a 48-bit identifier authority and up to 15 32-bit
// sub-authorities. Binary form: revision, sub-authority count, 6-byte big-endian authority, little-endian
// sub-authorities.
class Sid
{
public:
    static constexpr size_t kMaxSubAuthorities = 15;

    Sid() = default;
    Sid(uint64_t authority, std::vector<uint32_t> subAuthorities);

    // Parses a SID at `offset` of `bytes` and never reads outside them. Throws layerscope::Error naming the byte
    // offset when the SID is truncated, has a revision other than 1 or more than 15 sub-authorities.
    static Sid fromBytes(std::span<const uint8_t> bytes, size_t offset);
    // "S-1-5-18" (authority in decimal or 0x-hex, as ConvertStringSidToSid accepts) or an SDDL alias ("SY").
    // nullopt when malformed or when the alias is domain-relative (LA, DA, ...), which needs a domain we do not
    // have.
    static std::optional<Sid> fromString(std::string_view text);

    // True for SDDL aliases of domain-relative SIDs (LA, LG, DA, ...), so callers can say why they are rejected.
    static bool isDomainAlias(std::string_view text);

    uint64_t authority() const { return m_authority; }
    const std::vector<uint32_t>& subAuthorities() const { return m_subAuthorities; }
    size_t byteSize() const { return 8 + 4 * m_subAuthorities.size(); }
    void appendTo(std::vector<uint8_t>& out) const;

    // "S-1-5-32-544"; authorities of 2^32 and above as 0x + 12 upper-case hex digits, as Windows does.
    std::string toString() const;
    // The SDDL alias Windows' converter prints for this SID ("BA"), or empty when there is none. Domain-relative
    // aliases (LA, LG, DA, ...) are never returned: Windows only uses them for the machine's own domain.
    std::string alias() const;
    // alias() if there is one, else toString(): the form SDDL output uses.
    std::string sddl() const;
    // An account name for well-known SIDs ("BUILTIN\\Administrators", "NT AUTHORITY\\SYSTEM",
    // "User Manager\\ContainerAdministrator"), or empty.
    std::string friendlyName() const;

    bool operator==(const Sid&) const = default;

private:
    uint64_t m_authority = 0;
    std::vector<uint32_t> m_subAuthorities;
};

} // namespace layerscope::wcow
