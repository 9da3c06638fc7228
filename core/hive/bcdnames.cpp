// SPDX-License-Identifier: Apache-2.0
#include "hive/bcdnames.h"

#include "hive/hivereader.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace layerscope::hive {

namespace {

// registry-delta-hives §5, "Well-known objects". {default} and {current} are virtual (bcdedit resolves them),
// but scripts and stores written by other tools do use them as key names, so they are named too.
constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kObjects = {{
    {"{9dea862c-5cdd-4e70-acc1-f32b344d4795}", "{bootmgr}"},
    {"{a5a30fa2-3d06-4e9f-b5f4-a01df9d1fcba}", "{fwbootmgr}"},
    {"{b2721d73-1db4-4c62-bf78-c548a880142d}", "{memdiag}"},
    {"{466f5a88-0af2-4f76-9038-095b170dc21c}", "{ntldr}"},
    {"{5189b25c-5558-4bf2-bca4-289b11bd29e2}", "{badmemory}"},
    {"{6efb52bf-1766-41db-a6b3-0ee5eff72bd7}", "{bootloadersettings}"},
    {"{4636856e-540f-4170-a130-a84776f4c654}", "{dbgsettings}"},
    {"{0ce4991b-e6b3-4b16-b23c-5e0d9250e5d9}", "{emssettings}"},
    {"{7ea2e1ac-2e61-4728-aaa3-896d9d0a9f0e}", "{globalsettings}"},
    {"{1afa9c49-16ab-4a5c-901b-212802da9460}", "{resumeloadersettings}"},
    {"{ae5534e0-a924-466c-b836-758539a3ee3a}", "{ramdiskoptions}"},
    {"{7ff607e0-4395-11db-b0de-0800200c9a66}", "{hypervisorsettings}"},
    {"{1cae1eb7-a0df-4d4d-9851-4860e34ef535}", "{default}"},
    {"{fa926493-6f1c-4193-a414-58f0b2456d1e}", "{current}"},
}};

// registry-delta-hives §5, element table; names shortened to what bcdedit shows.
constexpr std::array<std::pair<uint32_t, std::string_view>, 13> kElements = {{
    {0x11000001, "device"},
    {0x12000002, "path"},
    {0x12000004, "description"},
    {0x12000005, "locale"},
    {0x14000006, "inherit"},
    {0x24000001, "displayorder"},
    {0x24000002, "bootsequence"},
    {0x23000003, "default"},
    {0x25000004, "timeout"},
    {0x23000006, "resumeobject"},
    {0x24000010, "toolsdisplayorder"},
    {0x21000001, "osdevice"},
    {0x22000002, "systemroot"},
}};

constexpr uint32_t kBootManagerObjectType = 0x10100002;

bool iequal(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::optional<uint32_t> parseHex32(std::string_view text)
{
    if (text.size() != 8)
        return std::nullopt;
    uint32_t v = 0;
    for (char c : text) {
        const int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
            : (c >= 'a' && c <= 'f')                              ? c - 'a' + 10
            : (c >= 'A' && c <= 'F')                              ? c - 'A' + 10
                                                                  : -1;
        if (d < 0)
            return std::nullopt;
        v = v << 4 | uint32_t(d);
    }
    return v;
}

std::string hex8(uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    std::string out = "0x";
    for (int shift = 28; shift >= 0; shift -= 4)
        out.push_back(digits[(v >> shift) & 15]);
    return out;
}

} // namespace

bool looksLikeBcdStore(const HiveReader& hive)
{
    return hive.root() && hive.find("Description") && hive.find("Objects");
}

std::optional<std::string_view> bcdObjectAlias(std::string_view guid)
{
    for (const auto& [id, alias] : kObjects)
        if (iequal(id, guid))
            return alias;
    return std::nullopt;
}

std::optional<std::string_view> bcdElementName(uint32_t element, uint32_t objectType)
{
    // 0x23000003 names the boot manager's default entry, but in an OS loader its resume object (§5).
    if (element == 0x23000003 && objectType != 0 && objectType != kBootManagerObjectType)
        return std::string_view("resumeobject");
    for (const auto& [type, name] : kElements)
        if (type == element)
            return name;
    return std::nullopt;
}

std::string bcdElementKind(uint32_t element)
{
    // §5: class in bits 28–31, format in bits 24–27.
    static constexpr std::array<std::string_view, 6> classes = {"", "library", "application", "device", "", "oem"};
    static constexpr std::array<std::string_view, 8> formats
        = {"", "device", "string", "object", "object list", "integer", "boolean", "integer list"};
    const uint32_t cls = element >> 28, fmt = (element >> 24) & 15;
    std::string out(cls < classes.size() && !classes[cls].empty() ? classes[cls] : "class " + std::to_string(cls));
    out += " ";
    out += fmt < formats.size() && !formats[fmt].empty() ? std::string(formats[fmt]) : "format " + std::to_string(fmt);
    return out;
}

std::string bcdPathLabel(std::string_view keyPath, uint32_t objectType)
{
    // Objects\{guid}[\Elements\<8 hex digits>]
    constexpr std::string_view objects = "Objects\\";
    if (keyPath.size() <= objects.size() || !iequal(keyPath.substr(0, objects.size()), objects))
        return {};
    std::string_view rest = keyPath.substr(objects.size());
    const size_t sep = rest.find('\\');
    const std::string_view guid = rest.substr(0, sep);
    const auto alias = bcdObjectAlias(guid);
    std::string label = alias ? std::string(*alias) : std::string(guid);
    if (sep == std::string_view::npos)
        return alias ? label : std::string();
    rest = rest.substr(sep + 1);
    constexpr std::string_view elements = "Elements\\";
    if (rest.size() <= elements.size() || !iequal(rest.substr(0, elements.size()), elements))
        return alias ? label : std::string();
    const std::string_view element = rest.substr(elements.size(), rest.find('\\', elements.size()) - elements.size());
    const auto number = parseHex32(element);
    if (!number)
        return alias ? label : std::string();
    const auto name = bcdElementName(*number, objectType);
    return label + " " + (name ? std::string(*name) : bcdElementKind(*number)) + " (" + hex8(*number) + ")";
}

std::string bcdAnnotateGuids(std::string_view text)
{
    std::string out;
    bool any = false;
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t open = text.find('{', pos);
        if (open == std::string_view::npos || open + 38 > text.size()) {
            out.append(text.substr(pos));
            break;
        }
        out.append(text.substr(pos, open - pos));
        const std::string_view guid = text.substr(open, 38);
        out.append(guid);
        if (const auto alias = bcdObjectAlias(guid)) {
            out += " ";
            out += *alias;
            any = true;
        }
        pos = open + 38;
    }
    return any ? out : std::string(text);
}

} // namespace layerscope::hive
