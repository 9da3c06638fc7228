// SPDX-License-Identifier: Apache-2.0
#include "disk/mftlookup.h"

#include "common/utf16.h"
#include "disk/mftlayout.h"
#include "disk/ntfsrecord.h"
#include "disk/ntfsvolume.h"
#include "wcow/casefold.h"

#include <algorithm>
#include <vector>

namespace layerscope::disk {

using namespace ntfs;

namespace {

constexpr uint64_t RootRecord = 5;

struct Name
{
    uint64_t folder = 0; // record number
    uint64_t record = 0; // of the base record
    std::string text;
};

// The names of every record in use, with their folders.
std::vector<Name> readNames(const MftLayout& layout)
{
    std::vector<Name> names;
    const uint32_t size = layout.recordSize();
    std::vector<uint8_t> chunk(size_t(std::max<uint32_t>(1, (1u << 20) / size)) * size);
    for (uint64_t first = 0; first < layout.recordCount(); first += chunk.size() / size) {
        const uint64_t count = std::min<uint64_t>(chunk.size() / size, layout.recordCount() - first);
        layout.readRecords(first, std::span(chunk).first(size_t(count * size)));
        for (uint64_t i = 0; i < count; ++i) {
            const std::span<uint8_t> record(chunk.data() + i * size, size);
            try {
                if (!layout.inUse(first + i) || !applyUpdateSequence(record))
                    continue;
                const RecordHeader header = readRecordHeader(record);
                if (!header.inUse())
                    continue;
                AttributeReader reader(record, header);
                Attribute a;
                while (reader.next(a)) {
                    if (a.type != AttributeFileName)
                        continue;
                    const FileName name = readFileName(a);
                    if (name.nameSpace == NameSpaceDos)
                        continue;
                    Name& out = names.emplace_back();
                    out.folder = recordNumber(name.parent);
                    out.record = header.baseRecord ? recordNumber(header.baseRecord) : first + i;
                    appendUtf8FromUtf16Le(name.name, out.text);
                }
            } catch (const NtfsFormatError&) {
                // A damaged record names nothing here; the path through it is not found.
            }
        }
    }
    return names;
}

} // namespace

std::optional<uint64_t> findMftRecord(const NtfsVolume& volume, const std::string& path)
{
    try {
        const MftLayout layout(volume);
        const std::vector<Name> names = readNames(layout);
        uint64_t current = RootRecord;
        for (size_t start = 0; start <= path.size();) {
            const size_t slash = std::min(path.find('/', start), path.size());
            const std::string_view part = std::string_view(path).substr(start, slash - start);
            start = slash + 1;
            if (part.empty())
                continue;
            const Name* match = nullptr;
            for (const Name& name : names)
                if (name.folder == current && name.record != current && wcow::equalsIgnoringCase(name.text, part)
                    && (!match || name.text == part))
                    match = &name;
            if (!match)
                return std::nullopt;
            current = match->record;
        }
        return current == RootRecord ? std::nullopt : std::optional<uint64_t>(current);
    } catch (const NeedsWalk&) {
        return std::nullopt;
    }
}

} // namespace layerscope::disk
