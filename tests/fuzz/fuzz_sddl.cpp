// SPDX-License-Identifier: Apache-2.0
// SDDL text (legacy MSWINDOWS.sd records, user input) → model → binary and SDDL. For every text fromSddl accepts:
// the binary parses back to the same SDDL, and the SDDL written parses back to the same model (stable after one
// normalisation).
#include "fuzzsupport.h"
#include "wcow/securitydescriptor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using layerscope::wcow::SecurityDescriptor;
    SecurityDescriptor sd;
    try {
        sd = SecurityDescriptor::fromSddl(fuzzsupport::text(data, size));
    } catch (const layerscope::Error&) {
        return 0;
    }
    const std::string sddl = sd.toSddl();
    const std::vector<uint8_t> binary = sd.toBinary();
    try {
        const SecurityDescriptor fromBinary = SecurityDescriptor::fromBinary(binary);
        FUZZ_CHECK(fromBinary.toSddl() == sddl, "binary form renders different SDDL");
        FUZZ_CHECK(fromBinary.toBinary() == binary, "binary form is not stable");
        const SecurityDescriptor again = SecurityDescriptor::fromSddl(sddl);
        FUZZ_CHECK(again.toSddl() == sddl, "normalised SDDL is not stable");
        FUZZ_CHECK(again.toBinary() == binary, "normalised SDDL gives another binary");
    } catch (const layerscope::Error& error) {
        std::fprintf(stderr, "SDDL %s: %s\n", sddl.c_str(), error.what());
        FUZZ_CHECK(false, "an accepted descriptor does not read back");
    }
    return 0;
}
