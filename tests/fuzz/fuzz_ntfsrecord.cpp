// SPDX-License-Identifier: Apache-2.0
// The MFT scan's decoders of NTFS structures (core/disk/ntfsrecord.h), without a disk around them. The first input
// byte picks what the rest is:
//  - even: a file record (512 bytes to 4 KiB, whole 512-byte strides). Unless the byte is 2 mod 4, the harness
//    writes the update sequence number into the end of every stride, as a volume holds it (a fuzzer would rarely
//    find it); then the record is decoded as the scan decodes it: header, every attribute, and the values of
//    $STANDARD_INFORMATION, $FILE_NAME, $REPARSE_POINT and the data runs of non-resident attributes;
//  - odd: a $Secure:$SDS stream, decoded into descriptors, each turned into SDDL as the scan does;
// and any input's first 512 bytes after the selector also go through the boot sector parser.
//
// Beyond "no crash": every attribute, name and value lies inside the record's used size, runs follow each other
// without gaps, and every descriptor lies inside the stream and states the offset it was found at.
#include "fuzzsupport.h"

#include "common/littleendian.h"
#include "disk/ntfsrecord.h"
#include "wcow/securitydescriptor.h"

#include <cstring>

namespace {

using namespace layerscope;
using namespace layerscope::disk::ntfs;

bool inside(std::span<const uint8_t> part, std::span<const uint8_t> whole)
{
    return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void record(std::vector<uint8_t> bytes, bool fixSequence)
{
    if (bytes.size() < 512 || bytes.size() > 4096 || bytes.size() % 512)
        return;
    if (fixSequence && bytes.size() >= 8) {
        const size_t array = le16(bytes.data() + 4);
        if (array + 2 <= bytes.size())
            for (size_t end = 510; end < bytes.size(); end += 512)
                std::memcpy(bytes.data() + end, bytes.data() + array, 2);
    }
    try {
        if (!applyUpdateSequence(bytes))
            return;
        const RecordHeader header = readRecordHeader(bytes);
        FUZZ_CHECK(header.usedSize <= bytes.size(), "used size beyond the record");
        const std::span<const uint8_t> used(bytes.data(), header.usedSize);
        AttributeReader reader(bytes, header);
        Attribute a;
        while (reader.next(a)) {
            FUZZ_CHECK(inside(a.name, used) && inside(a.value, used) && inside(a.runs, used),
                       "attribute parts outside the record");
            try {
                if (!a.resident) {
                    const std::vector<Run> runs = decodeRuns(a.runs, a.lowestVcn);
                    uint64_t vcn = a.lowestVcn;
                    for (const Run& run : runs) {
                        FUZZ_CHECK(run.vcn == vcn && run.length > 0, "runs with a gap");
                        vcn += run.length;
                    }
                } else if (a.type == AttributeStandardInformation) {
                    readStandardInformation(a);
                } else if (a.type == AttributeFileName) {
                    const FileName name = readFileName(a);
                    FUZZ_CHECK(inside(name.name, a.value), "file name outside its value");
                } else if (a.type == AttributeReparsePoint) {
                    const ReparsePoint point = readReparsePoint(a.value);
                    FUZZ_CHECK(inside(point.printName, a.value), "print name outside the reparse data");
                }
            } catch (const NtfsFormatError&) { }
        }
    } catch (const NtfsFormatError&) { }
}

void securityStream(std::span<const uint8_t> stream)
{
    for (const SecurityDescriptorEntry& entry : readSecurityStream(stream)) {
        FUZZ_CHECK(inside(entry.descriptor, stream), "descriptor outside the stream");
        FUZZ_CHECK(le64(entry.descriptor.data() - 12) == uint64_t(entry.descriptor.data() - 20 - stream.data()),
                   "descriptor not where its entry says");
        try {
            wcow::SecurityDescriptor::fromBinary(entry.descriptor).toSddl();
        } catch (const Error&) { }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1 || size > (1 << 20))
        return 0;
    const std::span<const uint8_t> rest(data + 1, size - 1);
    try {
        parseBootSector(rest);
    } catch (const NtfsFormatError&) { }
    if (data[0] & 1)
        securityStream(rest);
    else
        record(std::vector<uint8_t>(rest.begin(), rest.end()), (data[0] & 3) != 2);
    return 0;
}
