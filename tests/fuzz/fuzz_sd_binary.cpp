// SPDX-License-Identifier: Apache-2.0
// Self-relative security descriptors (MSWINDOWS.rawsd, hive sk cells) → model → SDDL and back. For every binary
// fromBinary accepts: fromSddl(toSddl(sd)) == sd and fromBinary(toBinary(sd)) == sd, so what LayerScope shows is
// exactly what it read, and what it writes reads back the same.
#include "fuzzsupport.h"
#include "wcow/securitydescriptor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using layerscope::wcow::SecurityDescriptor;
    SecurityDescriptor sd;
    try {
        sd = SecurityDescriptor::fromBinary({data, size});
    } catch (const layerscope::Error&) {
        return 0;
    }
    const std::string sddl = sd.toSddl();
    try {
        const SecurityDescriptor fromText = SecurityDescriptor::fromSddl(sddl);
        FUZZ_CHECK(fromText.toSddl() == sddl, "SDDL does not render back the same");
        FUZZ_CHECK(SecurityDescriptor::fromBinary(fromText.toBinary()).toSddl() == sddl,
                   "SDDL -> binary -> SDDL differs");
    } catch (const layerscope::Error& error) {
        std::fprintf(stderr, "SDDL %s: %s\n", sddl.c_str(), error.what());
        FUZZ_CHECK(false, "toSddl wrote SDDL that fromSddl rejects");
    }
    const std::vector<uint8_t> binary = sd.toBinary();
    const SecurityDescriptor back = SecurityDescriptor::fromBinary(binary);
    FUZZ_CHECK(back.toBinary() == binary, "toBinary is not stable");
    FUZZ_CHECK(back.toSddl() == sddl, "binary round trip changed the SDDL");
    (void)sd.aceStrings();
    (void)sd.ownerName();
    (void)sd.groupName();
    return 0;
}
