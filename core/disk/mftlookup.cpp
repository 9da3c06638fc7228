// SPDX-License-Identifier: Apache-2.0
#include "disk/mftlookup.h"

#include "common/utf16.h"
#include "disk/mftlayout.h"
#include "disk/ntfsrecord.h"
#include "wcow/casefold.h"

#include <algorithm>

namespace layerscope::disk {

using namespace ntfs;

namespace {

constexpr uint64_t RootRecord = 5;

} // namespace

MftNames::MftNames(const NtfsVolume& volume)
{
    try {
        const MftLayout layout(volume);
        layout.forEachRecordInUse([this](uint64_t number, std::span<uint8_t> record) {
            try {
                if (!applyUpdateSequence(record))
                    return;
                const RecordHeader header = readRecordHeader(record);
                if (!header.inUse())
                    return;
                AttributeReader reader(record, header);
                Attribute a;
                while (reader.next(a)) {
                    if (a.type != AttributeFileName)
                        continue;
                    const FileName name = readFileName(a);
                    if (name.nameSpace == NameSpaceDos)
                        continue;
                    Name& out = m_names.emplace_back();
                    out.folder = recordNumber(name.parent);
                    out.record = header.baseRecord ? recordNumber(header.baseRecord) : number;
                    appendUtf8FromUtf16Le(name.name, out.text);
                }
            } catch (const NtfsFormatError&) {
                // A damaged record names nothing here; a path through it is not found.
            }
        });
    } catch (const NeedsWalk&) {
        m_names.clear();
    }
    std::stable_sort(m_names.begin(), m_names.end(), [](const Name& a, const Name& b) { return a.folder < b.folder; });
}

std::optional<uint64_t> MftNames::find(const std::string& path) const
{
    uint64_t current = RootRecord;
    for (size_t start = 0; start <= path.size();) {
        const size_t slash = std::min(path.find('/', start), path.size());
        const std::string_view part = std::string_view(path).substr(start, slash - start);
        start = slash + 1;
        if (part.empty())
            continue;
        const auto [begin, end] = std::equal_range(m_names.begin(), m_names.end(), Name {current, 0, {}},
                                                   [](const Name& a, const Name& b) { return a.folder < b.folder; });
        const Name* match = nullptr;
        for (auto it = begin; it != end; ++it)
            if (it->record != current && wcow::equalsIgnoringCase(it->text, part) && (!match || it->text == part))
                match = &*it;
        if (!match)
            return std::nullopt;
        current = match->record;
    }
    return current == RootRecord ? std::nullopt : std::optional<uint64_t>(current);
}

} // namespace layerscope::disk
