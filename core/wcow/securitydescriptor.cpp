// SPDX-License-Identifier: Apache-2.0
#include "securitydescriptor.h"

#include "common/error.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace layerscope::wcow {

namespace {

constexpr size_t kHeaderSize = 20;
constexpr size_t kAclHeaderSize = 8;
constexpr uint32_t kObjectTypePresent = 0x1;
constexpr uint32_t kInheritedObjectTypePresent = 0x2;

struct Name
{
    uint32_t value;
    const char* text;
};

// ACE type strings from sddl.h. Types not listed have no SDDL form and are rendered as our opaque extension.
constexpr Name kAceTypes[] = {
    {SecurityDescriptor::AccessAllowed, "A"},
    {SecurityDescriptor::AccessDenied, "D"},
    {SecurityDescriptor::SystemAudit, "AU"},
    {SecurityDescriptor::SystemAlarm, "AL"},
    {SecurityDescriptor::AccessAllowedObject, "OA"},
    {SecurityDescriptor::AccessDeniedObject, "OD"},
    {SecurityDescriptor::SystemAuditObject, "OU"},
    {SecurityDescriptor::SystemAlarmObject, "OL"},
    {SecurityDescriptor::AccessAllowedCallback, "XA"},
    {SecurityDescriptor::AccessDeniedCallback, "XD"},
    {SecurityDescriptor::AccessAllowedCallbackObject, "ZA"},
    {SecurityDescriptor::SystemAuditCallback, "XU"},
    {SecurityDescriptor::SystemMandatoryLabel, "ML"},
    {SecurityDescriptor::SystemResourceAttribute, "RA"},
    {SecurityDescriptor::SystemScopedPolicyId, "SP"},
    {SecurityDescriptor::SystemProcessTrustLabel, "TL"},
    {SecurityDescriptor::SystemAccessFilter, "FL"},
};

// Bit order, which is the order Windows prints them in.
constexpr Name kAceFlags[] = {
    {SecurityDescriptor::ObjectInherit, "OI"},      {SecurityDescriptor::ContainerInherit, "CI"},
    {SecurityDescriptor::NoPropagateInherit, "NP"}, {SecurityDescriptor::InheritOnly, "IO"},
    {SecurityDescriptor::Inherited, "ID"},          {SecurityDescriptor::SuccessfulAccess, "SA"},
    {SecurityDescriptor::FailedAccess, "FA"},
};

// Masks Windows prints as one alias when the whole mask equals them, in the order it tries them: the first match
// wins, which is why KEY_EXECUTE (= KEY_READ, 0x20019) always prints as "KR".
constexpr Name kExactRights[] = {
    {0x10000000, "GA"}, {0x80000000, "GR"}, {0x40000000, "GW"}, {0x20000000, "GX"}, {0x00020000, "RC"},
    {0x00010000, "SD"}, {0x00040000, "WD"}, {0x00080000, "WO"}, {0x00000010, "RP"}, {0x00000020, "WP"},
    {0x00000001, "CC"}, {0x00000002, "DC"}, {0x00000004, "LC"}, {0x00000008, "SW"}, {0x00000080, "LO"},
    {0x00000040, "DT"}, {0x00000100, "CR"}, {0x001F01FF, "FA"}, {0x00120089, "FR"}, {0x00120116, "FW"},
    {0x001200A0, "FX"}, {0x000F003F, "KA"}, {0x00020019, "KR"}, {0x00020006, "KW"}, {0x00020019, "KX"},
};

// Single-bit names used to spell a mask that has no exact alias, indexed by bit.
constexpr const char* kRightBits[32] = {
    "CC",    "DC",    "LC",    "SW",    "RP",    "WP",    "DT",    "LO", //
    "CR",    nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, //
    "SD",    "RC",    "WD",    "WO",    nullptr, nullptr, nullptr, nullptr, //
    nullptr, nullptr, nullptr, nullptr, "GA",    "GX",    "GW",    "GR", //
};

// Mandatory-label policy bits (SYSTEM_MANDATORY_LABEL_NO_*_UP), used instead of kRightBits for ML ACEs.
constexpr Name kLabelRights[] = {{0x1, "NW"}, {0x2, "NR"}, {0x4, "NX"}};

uint16_t le16(std::span<const uint8_t> b, size_t at)
{
    return static_cast<uint16_t>(b[at] | b[at + 1] << 8);
}

uint32_t le32(std::span<const uint8_t> b, size_t at)
{
    return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 | uint32_t(b[at + 3]) << 24;
}

void put16(std::vector<uint8_t>& out, size_t at, uint16_t v)
{
    out[at] = static_cast<uint8_t>(v);
    out[at + 1] = static_cast<uint8_t>(v >> 8);
}

void put32(std::vector<uint8_t>& out, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out[at + static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (8 * i));
}

void append32(std::vector<uint8_t>& out, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

std::string hex(uint32_t value)
{
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%x", value);
    return buffer;
}

std::string hexBytes(std::span<const uint8_t> bytes)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out = "0x";
    for (uint8_t b : bytes) {
        out += kDigits[b >> 4];
        out += kDigits[b & 0xF];
    }
    return out;
}

bool isObjectAce(uint8_t type)
{
    switch (type) {
    case SecurityDescriptor::AccessAllowedObject:
    case SecurityDescriptor::AccessDeniedObject:
    case SecurityDescriptor::SystemAuditObject:
    case SecurityDescriptor::SystemAlarmObject:
    case SecurityDescriptor::AccessAllowedCallbackObject:
    case SecurityDescriptor::AccessDeniedCallbackObject:
    case SecurityDescriptor::SystemAuditCallbackObject:
    case SecurityDescriptor::SystemAlarmCallbackObject:
        return true;
    default:
        return false;
    }
}

// ACE types whose application data is meaningful (a condition or an attribute), so SDDL shows it.
bool carriesApplicationData(uint8_t type)
{
    switch (type) {
    case SecurityDescriptor::AccessAllowedCallback:
    case SecurityDescriptor::AccessDeniedCallback:
    case SecurityDescriptor::AccessAllowedCallbackObject:
    case SecurityDescriptor::SystemAuditCallback:
    case SecurityDescriptor::SystemResourceAttribute:
    case SecurityDescriptor::SystemAccessFilter:
        return true;
    default:
        return false;
    }
}

const char* aceTypeName(uint8_t type)
{
    for (const auto& name : kAceTypes)
        if (name.value == type)
            return name.text;
    return nullptr;
}

std::string guidString(const SecurityDescriptor::Guid& g)
{
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", le32(g, 0), le16(g, 4),
                  le16(g, 6), g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
    return buffer;
}

std::string aclFlags(uint16_t control, bool dacl)
{
    std::string out;
    if (control & (dacl ? SecurityDescriptor::DaclProtected : SecurityDescriptor::SaclProtected))
        out += "P";
    if (control & (dacl ? SecurityDescriptor::DaclAutoInheritReq : SecurityDescriptor::SaclAutoInheritReq))
        out += "AR";
    if (control & (dacl ? SecurityDescriptor::DaclAutoInherited : SecurityDescriptor::SaclAutoInherited))
        out += "AI";
    return out;
}

// --- binary parsing ------------------------------------------------------------------------------------------

[[noreturn]] void fail(const std::string& message)
{
    throw Error("security descriptor: " + message);
}

Sid parseSid(std::span<const uint8_t> bytes, size_t offset, const char* what)
{
    try {
        return Sid::fromBytes(bytes, offset);
    } catch (const Error& error) {
        fail(std::string(what) + ": " + error.message());
    }
}

SecurityDescriptor::Ace parseAce(std::span<const uint8_t> bytes, size_t pos, size_t aceSize, const char* where)
{
    SecurityDescriptor::Ace ace;
    ace.type = bytes[pos];
    ace.flags = bytes[pos + 1];
    const size_t end = pos + aceSize;
    // Limiting the view to this ACE makes a SID that overruns AceSize fail instead of reading its neighbour.
    const auto view = bytes.first(end);
    if (!aceTypeName(ace.type)) {
        ace.opaque = true;
        ace.body.assign(bytes.begin() + static_cast<ptrdiff_t>(pos + 4), bytes.begin() + static_cast<ptrdiff_t>(end));
        return ace;
    }
    size_t at = pos + 4;
    const auto need = [&](size_t n, const char* field) {
        if (end - at < n)
            fail(std::string(where) + " at byte " + std::to_string(pos) + ": AceSize " + std::to_string(aceSize)
                 + " leaves no room for its " + field);
    };
    need(4, "access mask");
    ace.mask = le32(bytes, at);
    at += 4;
    if (isObjectAce(ace.type)) {
        need(4, "object flags");
        const uint32_t objectFlags = le32(bytes, at);
        at += 4;
        const auto guid = [&](const char* field) {
            need(16, field);
            SecurityDescriptor::Guid g {};
            for (size_t i = 0; i < 16; ++i)
                g[i] = bytes[at + i];
            at += 16;
            return g;
        };
        if (objectFlags & kObjectTypePresent)
            ace.objectType = guid("object type GUID");
        if (objectFlags & kInheritedObjectTypePresent)
            ace.inheritedObjectType = guid("inherited object type GUID");
    }
    const std::string sidWhere
        = std::string(where) + " at byte " + std::to_string(pos) + " (AceSize " + std::to_string(aceSize) + ")";
    ace.sid = parseSid(view, at, sidWhere.c_str());
    at += ace.sid.byteSize();
    ace.applicationData.assign(bytes.begin() + static_cast<ptrdiff_t>(at), bytes.begin() + static_cast<ptrdiff_t>(end));
    return ace;
}

SecurityDescriptor::Acl parseAcl(std::span<const uint8_t> bytes, size_t offset, const char* name)
{
    const std::string where = std::string(name) + " at byte " + std::to_string(offset);
    if (offset < kHeaderSize)
        fail(where + ": offset overlaps the 20-byte descriptor header");
    if (offset > bytes.size() || bytes.size() - offset < kAclHeaderSize)
        fail(where + ": the 8-byte ACL header runs past the end of the " + std::to_string(bytes.size())
             + "-byte descriptor");
    SecurityDescriptor::Acl acl;
    acl.revision = bytes[offset];
    // ACL_REVISION (2) and ACL_REVISION_DS (4) are what Windows writes; RtlValidAcl accepts 2..4.
    if (acl.revision < 2 || acl.revision > 4)
        fail(where + ": ACL revision " + std::to_string(acl.revision) + ", expected 2 or 4");
    const size_t aclSize = le16(bytes, offset + 2);
    const size_t aceCount = le16(bytes, offset + 4);
    if (aclSize < kAclHeaderSize)
        fail(where + ": AclSize " + std::to_string(aclSize) + " is smaller than the 8-byte ACL header");
    if (aclSize > bytes.size() - offset)
        fail(where + ": AclSize " + std::to_string(aclSize) + " runs past the end of the "
             + std::to_string(bytes.size()) + "-byte descriptor");
    const size_t end = offset + aclSize;
    size_t pos = offset + kAclHeaderSize;
    for (size_t i = 0; i < aceCount; ++i) {
        if (end - pos < 4)
            fail(where + ": AceCount says " + std::to_string(aceCount) + " ACEs but only " + std::to_string(i)
                 + " fit in its AclSize of " + std::to_string(aclSize) + " bytes");
        const size_t aceSize = le16(bytes, pos + 2);
        const std::string aceWhere = std::string(name) + " ACE " + std::to_string(i);
        if (aceSize < 4)
            fail(aceWhere + " at byte " + std::to_string(pos) + ": AceSize " + std::to_string(aceSize)
                 + " is smaller than the 4-byte ACE header");
        if (aceSize > end - pos)
            fail(aceWhere + " at byte " + std::to_string(pos) + ": AceSize " + std::to_string(aceSize)
                 + " runs past the end of the ACL (byte " + std::to_string(end) + ")");
        acl.aces.push_back(parseAce(bytes, pos, aceSize, aceWhere.c_str()));
        pos += aceSize;
    }
    acl.slack = static_cast<uint16_t>(end - pos);
    return acl;
}

// --- binary writing ------------------------------------------------------------------------------------------

size_t aceSize(const SecurityDescriptor::Ace& ace)
{
    if (ace.opaque)
        return 4 + ace.body.size();
    size_t size = 4 + 4 + ace.sid.byteSize() + ace.applicationData.size();
    if (isObjectAce(ace.type))
        size += 4 + (ace.objectType ? 16 : 0) + (ace.inheritedObjectType ? 16 : 0);
    return size;
}

void appendAcl(std::vector<uint8_t>& out, const SecurityDescriptor::Acl& acl)
{
    size_t size = kAclHeaderSize + acl.slack;
    for (const auto& ace : acl.aces) {
        const size_t n = aceSize(ace);
        if (n > 0xFFFF)
            throw Error("security descriptor: an ACE of " + std::to_string(n) + " bytes exceeds the 65535-byte limit");
        size += n;
    }
    if (size > 0xFFFF)
        throw Error("security descriptor: an ACL of " + std::to_string(size) + " bytes exceeds the 65535-byte limit");
    if (acl.aces.size() > 0xFFFF)
        throw Error("security descriptor: more than 65535 ACEs");
    const size_t start = out.size();
    out.resize(start + kAclHeaderSize, 0);
    out[start] = acl.revision;
    put16(out, start + 2, static_cast<uint16_t>(size));
    put16(out, start + 4, static_cast<uint16_t>(acl.aces.size()));
    for (const auto& ace : acl.aces) {
        out.push_back(ace.type);
        out.push_back(ace.flags);
        const size_t n = aceSize(ace);
        out.push_back(static_cast<uint8_t>(n));
        out.push_back(static_cast<uint8_t>(n >> 8));
        if (ace.opaque) {
            out.insert(out.end(), ace.body.begin(), ace.body.end());
            continue;
        }
        append32(out, ace.mask);
        if (isObjectAce(ace.type)) {
            append32(out,
                     (ace.objectType ? kObjectTypePresent : 0)
                         | (ace.inheritedObjectType ? kInheritedObjectTypePresent : 0));
            if (ace.objectType)
                out.insert(out.end(), ace.objectType->begin(), ace.objectType->end());
            if (ace.inheritedObjectType)
                out.insert(out.end(), ace.inheritedObjectType->begin(), ace.inheritedObjectType->end());
        }
        ace.sid.appendTo(out);
        out.insert(out.end(), ace.applicationData.begin(), ace.applicationData.end());
    }
    out.resize(out.size() + acl.slack, 0);
}

// --- SDDL parsing --------------------------------------------------------------------------------------------

class SddlParser
{
public:
    explicit SddlParser(std::string_view text)
        : m_text(text)
    { }

    SecurityDescriptor parse()
    {
        SecurityDescriptor sd;
        uint16_t control = SecurityDescriptor::SelfRelative;
        bool seen[4] = {};
        skipSpaces();
        while (m_pos < m_text.size()) {
            const char tag = m_text[m_pos];
            const char* tags = "OGDS";
            const char* which = nullptr;
            for (int i = 0; i < 4; ++i)
                if (tags[i] == tag)
                    which = tags + i;
            if (!which || m_pos + 1 >= m_text.size() || m_text[m_pos + 1] != ':')
                fail("expected a section O:, G:, D: or S:");
            const int index = static_cast<int>(which - tags);
            if (seen[index])
                fail(std::string("section ") + tag + ": appears twice");
            seen[index] = true;
            m_pos += 2;
            if (tag == 'O')
                sd.setOwner(parseSidToken());
            else if (tag == 'G')
                sd.setGroup(parseSidToken());
            else
                parseAclSection(sd, control, tag == 'D');
            skipSpaces();
        }
        sd.setControl(control);
        return sd;
    }

private:
    [[noreturn]] void fail(const std::string& message) const
    {
        throw Error("SDDL at character " + std::to_string(m_pos) + ": " + message);
    }

    void skipSpaces()
    {
        while (m_pos < m_text.size()
               && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r'))
            ++m_pos;
    }

    bool consume(std::string_view token)
    {
        if (m_text.substr(m_pos, token.size()) == token) {
            m_pos += token.size();
            return true;
        }
        return false;
    }

    // A SID at m_pos in a section: S-1-<authority>(-<sub>)* read structurally (an upper-case hex authority could
    // otherwise swallow the next "D:"), or a two-letter alias.
    Sid parseSidToken()
    {
        const size_t start = m_pos;
        if (m_text.substr(m_pos, 2) == "S-" || m_text.substr(m_pos, 2) == "s-") {
            size_t p = m_pos + 2;
            const auto digits = [&](bool allowHex) {
                const size_t begin = p;
                if (allowHex && (m_text.substr(p, 2) == "0x" || m_text.substr(p, 2) == "0X")) {
                    // MS-DTYP §2.4.2.1: a hex identifier authority is 12 digits (toSddl writes exactly 12); reading
                    // further would swallow the 'D' of a following "D:" section.
                    p += 2;
                    const size_t end = std::min(m_text.size(), p + 12);
                    while (p < end && std::isxdigit(static_cast<unsigned char>(m_text[p])))
                        ++p;
                } else {
                    while (p < m_text.size() && m_text[p] >= '0' && m_text[p] <= '9')
                        ++p;
                }
                return p > begin;
            };
            digits(false); // revision
            if (p < m_text.size() && m_text[p] == '-') {
                ++p;
                digits(true);
                while (p + 1 < m_text.size() && m_text[p] == '-' && m_text[p + 1] >= '0' && m_text[p + 1] <= '9') {
                    ++p;
                    digits(false);
                }
            }
            m_pos = p;
        } else {
            m_pos = std::min(m_text.size(), m_pos + 2);
        }
        return sidFrom(m_text.substr(start, m_pos - start), start);
    }

    Sid sidFrom(std::string_view text, size_t at)
    {
        if (auto sid = Sid::fromString(text))
            return *sid;
        m_pos = at;
        if (Sid::isDomainAlias(text))
            fail("\"" + std::string(text)
                 + "\" stands for a SID in the machine's domain, which is unknown offline; write the full S-1-... SID");
        fail("\"" + std::string(text) + "\" is neither an S-1-... SID nor a known SID alias");
    }

    void parseAclSection(SecurityDescriptor& sd, uint16_t& control, bool dacl)
    {
        control |= dacl ? SecurityDescriptor::DaclPresent : SecurityDescriptor::SaclPresent;
        bool null = false;
        while (true) {
            if (consume("NO_ACCESS_CONTROL"))
                null = true;
            else if (consume("P"))
                control |= dacl ? SecurityDescriptor::DaclProtected : SecurityDescriptor::SaclProtected;
            else if (consume("AR"))
                control |= dacl ? SecurityDescriptor::DaclAutoInheritReq : SecurityDescriptor::SaclAutoInheritReq;
            else if (consume("AI"))
                control |= dacl ? SecurityDescriptor::DaclAutoInherited : SecurityDescriptor::SaclAutoInherited;
            else
                break;
        }
        SecurityDescriptor::Acl acl;
        while (m_pos < m_text.size() && m_text[m_pos] == '(') {
            if (null)
                fail("NO_ACCESS_CONTROL (a NULL ACL) cannot be followed by ACEs");
            acl.aces.push_back(parseAce());
        }
        for (const auto& ace : acl.aces)
            if (isObjectAce(ace.type))
                acl.revision = 4; // ACL_REVISION_DS, required for object ACEs
        std::optional<SecurityDescriptor::Acl> value;
        if (!null)
            value = std::move(acl);
        const uint16_t keep = control;
        if (dacl)
            sd.setDacl(std::move(value));
        else
            sd.setSacl(std::move(value));
        control = keep;
    }

    SecurityDescriptor::Ace parseAce()
    {
        const size_t open = m_pos;
        // Find the matching ')' (conditional expressions nest parentheses) and split on top-level ';'.
        int depth = 0;
        size_t close = open;
        std::vector<std::pair<size_t, size_t>> fields; // [begin, end) in m_text
        size_t fieldStart = open + 1;
        for (size_t p = open; p < m_text.size(); ++p) {
            const char c = m_text[p];
            if (c == '(') {
                ++depth;
            } else if (c == ')') {
                if (--depth == 0) {
                    close = p;
                    break;
                }
            } else if (c == ';' && depth == 1) {
                fields.emplace_back(fieldStart, p);
                fieldStart = p + 1;
            }
        }
        if (close == open)
            fail("ACE is missing its closing ')'");
        fields.emplace_back(fieldStart, close);
        const auto field = [&](size_t i) { return m_text.substr(fields[i].first, fields[i].second - fields[i].first); };
        const auto failAt = [&](size_t i, const std::string& message) {
            m_pos = fields[i].first;
            fail(message);
        };

        SecurityDescriptor::Ace ace;
        const std::string_view typeText = field(0);
        if (typeText.starts_with("0x")) {
            // Our opaque form: (0x<type>;<flags>;0x<body>)
            if (fields.size() != 3)
                failAt(0, "an ACE with a numeric type has 3 fields: (0x<type>;<flags>;0x<hex body>)");
            const auto type = parseHexBytes(typeText);
            if (!type || type->size() != 1)
                failAt(0, "ACE type \"" + std::string(typeText) + "\" is not one hex byte");
            ace.type = (*type)[0];
            // Only types without an SDDL name are opaque in binary too; any other would be written as a body that
            // fromBinary then reads as mask, (object data,) SID and fails on (fuzz finding, sddl).
            if (const char* name = aceTypeName(ace.type))
                failAt(0,
                       "ACE type \"" + std::string(typeText) + "\" is \"" + name
                           + "\": write it in that form, with its six fields");
            ace.opaque = true;
            ace.flags = parseAceFlags(field(1), [&](const std::string& m) { failAt(1, m); });
            const auto body = parseHexBytes(field(2));
            if (!body)
                failAt(2, "opaque ACE body must be 0x followed by pairs of hex digits");
            ace.body = *body;
            m_pos = close + 1;
            return ace;
        }
        bool known = false;
        for (const auto& name : kAceTypes)
            if (typeText == name.text) {
                ace.type = static_cast<uint8_t>(name.value);
                known = true;
            }
        if (!known)
            failAt(0, "unknown ACE type \"" + std::string(typeText) + "\"");
        if (fields.size() != 6 && fields.size() != 7)
            failAt(0,
                   "an ACE has 6 fields (type;flags;rights;object guid;inherit object guid;sid), found "
                       + std::to_string(fields.size()));
        ace.flags = parseAceFlags(field(1), [&](const std::string& m) { failAt(1, m); });
        ace.mask = parseRights(field(2), [&](const std::string& m) { failAt(2, m); });
        for (size_t i : {size_t(3), size_t(4)}) {
            if (field(i).empty())
                continue;
            if (!isObjectAce(ace.type))
                failAt(i, "only object ACE types (OA, OD, OU, OL, ZA) carry GUIDs");
            const auto guid = parseGuid(field(i));
            if (!guid)
                failAt(i, "\"" + std::string(field(i)) + "\" is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
            (i == 3 ? ace.objectType : ace.inheritedObjectType) = *guid;
        }
        ace.sid = sidFrom(field(5), fields[5].first);
        if (fields.size() == 7) {
            if (!carriesApplicationData(ace.type))
                failAt(6, "only callback and resource-attribute ACEs take a seventh field");
            const auto data = parseHexBytes(field(6));
            if (!data)
                failAt(6,
                       "conditional expressions and attribute syntax are not supported; give the application "
                       "data as 0x followed by hex bytes");
            ace.applicationData = *data;
        }
        m_pos = close + 1;
        return ace;
    }

    template<typename Fail> uint8_t parseAceFlags(std::string_view text, Fail failWith)
    {
        uint32_t flags = 0;
        while (!text.empty()) {
            if (text.starts_with("0x")) {
                uint32_t value = 0;
                if (!parseNumber(text, value) || value > 0xFF)
                    failWith("ACE flags \"" + std::string(text) + "\" are not a hex byte");
                flags |= value;
                break;
            }
            bool matched = false;
            for (const auto& name : kAceFlags)
                if (text.starts_with(name.text)) {
                    flags |= name.value;
                    text.remove_prefix(2);
                    matched = true;
                    break;
                }
            if (!matched)
                failWith("unknown ACE flag \"" + std::string(text.substr(0, 2)) + "\"");
        }
        return static_cast<uint8_t>(flags);
    }

    template<typename Fail> uint32_t parseRights(std::string_view text, Fail failWith)
    {
        if (text.empty())
            return 0;
        if (text[0] >= '0' && text[0] <= '9') {
            uint32_t value = 0;
            if (!parseNumber(text, value))
                failWith("access mask \"" + std::string(text) + "\" is not a 32-bit number");
            return value;
        }
        uint32_t mask = 0;
        for (size_t i = 0; i < text.size(); i += 2) {
            const std::string_view token = text.substr(i, 2);
            bool matched = false;
            for (const auto& name : kExactRights)
                if (token == name.text) {
                    mask |= name.value;
                    matched = true;
                    break;
                }
            for (const auto& name : kLabelRights)
                if (!matched && token == name.text) {
                    mask |= name.value;
                    matched = true;
                }
            if (!matched)
                failWith("unknown access right \"" + std::string(token) + "\"");
        }
        return mask;
    }

    // 0x-hex or decimal, 32 bits.
    static bool parseNumber(std::string_view text, uint32_t& out)
    {
        int base = 10;
        if (text.starts_with("0x") || text.starts_with("0X")) {
            base = 16;
            text.remove_prefix(2);
        }
        if (text.empty())
            return false;
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
            value = value * static_cast<uint64_t>(base) + static_cast<uint64_t>(digit);
            if (value > 0xFFFFFFFFu)
                return false;
        }
        out = static_cast<uint32_t>(value);
        return true;
    }

    static int hexDigit(char c)
    {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    }

    // "0x" + an even number of hex digits (an odd count gets a leading zero, so "0x4" is one byte).
    static std::optional<std::vector<uint8_t>> parseHexBytes(std::string_view text)
    {
        if (!text.starts_with("0x") && !text.starts_with("0X"))
            return std::nullopt;
        text.remove_prefix(2);
        std::string digits(text);
        if (digits.size() % 2)
            digits.insert(digits.begin(), '0');
        std::vector<uint8_t> out;
        for (size_t i = 0; i < digits.size(); i += 2) {
            const int hi = hexDigit(digits[i]);
            const int lo = hexDigit(digits[i + 1]);
            if (hi < 0 || lo < 0)
                return std::nullopt;
            out.push_back(static_cast<uint8_t>(hi << 4 | lo));
        }
        return out;
    }

    static std::optional<SecurityDescriptor::Guid> parseGuid(std::string_view text)
    {
        // Exactly 8-4-4-4-12 hex digits: a dash anywhere else would leave fewer than 32 digits to read.
        if (text.size() != 36)
            return std::nullopt;
        std::string digits;
        for (size_t i = 0; i < text.size(); ++i) {
            const bool dashHere = i == 8 || i == 13 || i == 18 || i == 23;
            if ((text[i] == '-') != dashHere)
                return std::nullopt;
            if (!dashHere)
                digits += text[i];
        }
        uint8_t raw[16];
        for (size_t i = 0; i < 16; ++i) {
            const int hi = hexDigit(digits[2 * i]);
            const int lo = hexDigit(digits[2 * i + 1]);
            if (hi < 0 || lo < 0)
                return std::nullopt;
            raw[i] = static_cast<uint8_t>(hi << 4 | lo);
        }
        // Text order is big-endian for Data1..3; storage is little-endian.
        SecurityDescriptor::Guid g {raw[3], raw[2], raw[1],  raw[0],  raw[5],  raw[4],  raw[7],  raw[6],
                                    raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]};
        return g;
    }

    std::string_view m_text;
    size_t m_pos = 0;
};

} // namespace

SecurityDescriptor SecurityDescriptor::fromBinary(std::span<const uint8_t> bytes)
{
    if (bytes.size() < kHeaderSize)
        fail("only " + std::to_string(bytes.size()) + " bytes; the self-relative header alone needs 20");
    if (bytes[0] != 1)
        fail("revision " + std::to_string(bytes[0]) + " at byte 0, expected 1");
    SecurityDescriptor sd;
    sd.m_rmControl = bytes[1];
    sd.m_control = le16(bytes, 2);
    if (!(sd.m_control & SelfRelative))
        fail("control word " + hex(sd.m_control)
             + " lacks SE_SELF_RELATIVE (0x8000): an absolute descriptor holds memory pointers and cannot be stored");
    const size_t ownerOffset = le32(bytes, 4);
    const size_t groupOffset = le32(bytes, 8);
    const size_t saclOffset = le32(bytes, 12);
    const size_t daclOffset = le32(bytes, 16);
    const auto sidAt = [&](size_t offset, const char* name) {
        if (offset < kHeaderSize)
            fail(std::string(name) + " offset " + std::to_string(offset) + " overlaps the 20-byte header");
        return parseSid(bytes, offset, name);
    };
    if (ownerOffset)
        sd.m_owner = sidAt(ownerOffset, "owner SID");
    if (groupOffset)
        sd.m_group = sidAt(groupOffset, "group SID");
    // An offset without the matching *_PRESENT bit is ignored, as Windows does; present with offset 0 is a NULL
    // ACL ("NO_ACCESS_CONTROL").
    if ((sd.m_control & SaclPresent) && saclOffset)
        sd.m_sacl = parseAcl(bytes, saclOffset, "SACL");
    if ((sd.m_control & DaclPresent) && daclOffset)
        sd.m_dacl = parseAcl(bytes, daclOffset, "DACL");
    return sd;
}

SecurityDescriptor SecurityDescriptor::fromSddl(std::string_view sddl)
{
    return SddlParser(sddl).parse();
}

std::vector<uint8_t> SecurityDescriptor::toBinary() const
{
    std::vector<uint8_t> out(kHeaderSize, 0);
    out[0] = 1;
    out[1] = m_rmControl;
    put16(out, 2, static_cast<uint16_t>(m_control | SelfRelative));
    if ((m_control & SaclPresent) && m_sacl) {
        put32(out, 12, static_cast<uint32_t>(out.size()));
        appendAcl(out, *m_sacl);
    }
    if ((m_control & DaclPresent) && m_dacl) {
        put32(out, 16, static_cast<uint32_t>(out.size()));
        appendAcl(out, *m_dacl);
    }
    if (m_owner) {
        put32(out, 4, static_cast<uint32_t>(out.size()));
        m_owner->appendTo(out);
    }
    if (m_group) {
        put32(out, 8, static_cast<uint32_t>(out.size()));
        m_group->appendTo(out);
    }
    return out;
}

std::string SecurityDescriptor::rightsString(uint32_t mask, uint8_t aceType)
{
    if (mask == 0)
        return {};
    if (aceType == SystemMandatoryLabel) {
        std::string out;
        uint32_t covered = 0;
        for (const auto& name : kLabelRights)
            if (mask & name.value) {
                out += name.text;
                covered |= name.value;
            }
        return covered == mask ? out : hex(mask);
    }
    for (const auto& name : kExactRights)
        if (mask == name.value)
            return name.text;
    std::string out;
    for (int bit = 0; bit < 32; ++bit) {
        if (!(mask & (uint32_t(1) << bit)))
            continue;
        if (!kRightBits[bit])
            return hex(mask);
        out += kRightBits[bit];
    }
    return out;
}

std::string SecurityDescriptor::aceString(const Ace& ace)
{
    std::string flags;
    uint8_t unknown = ace.flags;
    for (const auto& name : kAceFlags)
        if (ace.flags & name.value) {
            flags += name.text;
            unknown &= static_cast<uint8_t>(~name.value);
        }
    if (unknown)
        flags += hex(unknown);
    if (ace.opaque) {
        char type[8];
        std::snprintf(type, sizeof type, "0x%02x", ace.type);
        return std::string("(") + type + ";" + flags + ";" + hexBytes(ace.body) + ")";
    }
    std::string out = "(";
    if (const char* name = aceTypeName(ace.type)) {
        out += name;
    } else {
        char type[8];
        std::snprintf(type, sizeof type, "0x%02x", ace.type);
        out += type;
    }
    out += ";" + flags + ";" + rightsString(ace.mask, ace.type) + ";";
    if (ace.objectType)
        out += guidString(*ace.objectType);
    out += ";";
    if (ace.inheritedObjectType)
        out += guidString(*ace.inheritedObjectType);
    out += ";" + ace.sid.sddl();
    if (carriesApplicationData(ace.type) && !ace.applicationData.empty())
        out += ";" + hexBytes(ace.applicationData);
    return out + ")";
}

std::string SecurityDescriptor::toSddl() const
{
    std::string out;
    if (m_owner)
        out += "O:" + m_owner->sddl();
    if (m_group)
        out += "G:" + m_group->sddl();
    const auto section = [&](const char* tag, bool present, const std::optional<Acl>& acl, bool dacl) {
        if (!present)
            return;
        out += tag;
        out += aclFlags(m_control, dacl);
        if (!acl) {
            out += "NO_ACCESS_CONTROL";
            return;
        }
        for (const auto& ace : acl->aces)
            out += aceString(ace);
    };
    section("D:", daclPresent(), m_dacl, true);
    section("S:", saclPresent(), m_sacl, false);
    return out;
}

void SecurityDescriptor::setDacl(std::optional<Acl> acl)
{
    m_dacl = std::move(acl);
    m_control |= DaclPresent;
}

void SecurityDescriptor::setSacl(std::optional<Acl> acl)
{
    m_sacl = std::move(acl);
    m_control |= SaclPresent;
}

std::string SecurityDescriptor::ownerSid() const
{
    return m_owner ? m_owner->toString() : std::string();
}

std::string SecurityDescriptor::groupSid() const
{
    return m_group ? m_group->toString() : std::string();
}

std::string SecurityDescriptor::ownerName() const
{
    if (!m_owner)
        return {};
    std::string name = m_owner->friendlyName();
    return name.empty() ? m_owner->toString() : name;
}

std::string SecurityDescriptor::groupName() const
{
    if (!m_group)
        return {};
    std::string name = m_group->friendlyName();
    return name.empty() ? m_group->toString() : name;
}

std::vector<std::string> SecurityDescriptor::aceStrings() const
{
    std::vector<std::string> out;
    if (daclPresent() && m_dacl)
        for (const auto& ace : m_dacl->aces)
            out.push_back(aceString(ace));
    if (saclPresent() && m_sacl)
        for (const auto& ace : m_sacl->aces)
            out.push_back(aceString(ace));
    return out;
}

} // namespace layerscope::wcow
