// SPDX-License-Identifier: Apache-2.0
// PAX record values as Windows layers carry them (wcow-layer-format §1.5): the input is "key=value" lines that
// become one entry's records, decoded by decodeEntry (times, MSWINDOWS.fileattr, rawsd/sd, xattrs, mountpoint),
// plus the value parsers on the first line's value with their round-trip properties:
//   formatPaxTime(parsePaxTime(x)) parses back to the same time; formatRfc3339 of it parses back the same;
//   a FILETIME of it converts back to the same 100 ns slot.
#include "fuzzsupport.h"
#include "tar/tarheader.h"
#include "wcow/entrydecoder.h"
#include "wcow/fileattributes.h"
#include "wcow/paxtime.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    const std::string_view input = fuzzsupport::text(data, size);
    tar::TarHeader header;
    header.path = "Files/fuzz";
    header.type = tar::typeflag::Regular;
    for (std::string_view line : fuzzsupport::split(input, "\n", 64)) {
        const size_t eq = line.find('=');
        if (eq == std::string_view::npos)
            continue;
        header.pax.push_back({std::string(line.substr(0, eq)), std::string(line.substr(eq + 1))});
    }
    if (!header.pax.empty() && header.pax.front().key == "typeflag" && !header.pax.front().value.empty())
        header.type = header.pax.front().value[0];
    if (const std::string* path = header.paxValue("path"))
        header.path = *path;
    std::vector<wcow::Problem> problems;
    const wcow::WindowsEntry entry = wcow::decodeEntry(header, problems);
    (void)entry;

    const std::string value = header.pax.empty() ? std::string(input) : header.pax.front().value;
    if (const auto time = wcow::parsePaxTime(value)) {
        const auto again = wcow::parsePaxTime(wcow::formatPaxTime(*time));
        FUZZ_CHECK(again && *again == *time, "formatPaxTime does not parse back to the same time");
        const std::string rfc = wcow::formatRfc3339(*time);
        const auto fromRfc = wcow::parseRfc3339(rfc);
        const auto fromPax = wcow::parsePaxTime(rfc);
        FUZZ_CHECK((fromRfc && *fromRfc == *time) || (fromPax && *fromPax == *time),
                   "formatRfc3339 does not parse back to the same time");
        if (const auto filetime = wcow::toFiletime(*time)) {
            const wcow::PaxTime back = wcow::fromFiletime(*filetime);
            FUZZ_CHECK(back <= *time && time->seconds - back.seconds <= 1, "FILETIME moved the time");
            FUZZ_CHECK(wcow::toFiletime(back) == filetime, "FILETIME does not round-trip");
        }
    }
    if (const auto time = wcow::parseRfc3339(value)) {
        const auto again = wcow::parseRfc3339(wcow::formatRfc3339(*time));
        FUZZ_CHECK(!again || *again == *time, "formatRfc3339 does not parse back to the same time");
    }
    try {
        const uint32_t attributes = wcow::parseFileAttributes(value);
        FUZZ_CHECK(wcow::parseFileAttributes(std::to_string(attributes)) == attributes, "fileattr round trip");
        (void)wcow::attributeNames(attributes);
        (void)wcow::attributeLetters(attributes);
    } catch (const Error&) { }
    return 0;
}
