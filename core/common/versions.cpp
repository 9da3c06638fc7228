// SPDX-License-Identifier: Apache-2.0
#include "common/versions.h"

#include <archive.h>
#include <openssl/crypto.h>
#include <zlib.h>
#include <zstd.h>

#ifdef LAYERSCOPE_HAVE_ISAL
#include <isa-l.h>
#endif

#include <string_view>

namespace layerscope {

std::vector<std::pair<std::string, std::string>> libraryVersions()
{
    // archive_version_string() says "libarchive 3.6.2"; the name is shown next to it already.
    std::string_view archive = archive_version_string();
    if (archive.starts_with("libarchive "))
        archive.remove_prefix(11);
    // OpenSSL_version(OPENSSL_VERSION) says "OpenSSL 3.0.11 19 Sep 2023".
    std::string_view openssl = OpenSSL_version(OPENSSL_VERSION);
    if (openssl.starts_with("OpenSSL "))
        openssl.remove_prefix(8);
    std::vector<std::pair<std::string, std::string>> out {
        {"libarchive", std::string(archive)},
        {"zlib", zlibVersion()},
        {"zstd", ZSTD_versionString()},
        {"OpenSSL", std::string(openssl)},
    };
#ifdef LAYERSCOPE_HAVE_ISAL
    // ISA-L has no run-time version call; its header's numbers are those of the library built against.
    out.emplace_back("ISA-L",
                     std::to_string(ISAL_MAJOR_VERSION) + "." + std::to_string(ISAL_MINOR_VERSION) + "."
                         + std::to_string(ISAL_PATCH_VERSION));
#endif
    return out;
}

} // namespace layerscope
