// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace layerscope {

// The libraries core reads and writes with, and their versions as the running binaries report them (run-time
// calls where the library has one, so a distribution update shows), e.g. {"libarchive", "3.6.2"}. In a fixed
// order: libarchive, zlib, zstd, OpenSSL, then ISA-L when this build uses it.
std::vector<std::pair<std::string, std::string>> libraryVersions();

} // namespace layerscope
