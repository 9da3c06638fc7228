// SPDX-License-Identifier: Apache-2.0
#include "baselayer/imagefiles.h"

#include "common/sha256.h"
#include "io/atomicfile.h"
#include "tar/tarwriter.h"

namespace layerscope::baselayer {

std::string writeSmallFile(const std::filesystem::path& path, const std::string& bytes)
{
    io::AtomicFile file(path, {.overwrite = true});
    file.write(bytes.data(), bytes.size());
    file.commit();
    return toDigestString(Sha256::of(bytes));
}

void addTarMember(tar::TarWriter& writer, const std::string& name, const std::string& bytes, int64_t mtime)
{
    tar::TarHeader header;
    header.path = name;
    header.mode = 0644;
    header.size = bytes.size();
    header.mtime = mtime;
    writer.add(header);
    writer.writeData(bytes.data(), bytes.size());
}

std::pair<std::string, std::string> splitReference(const std::string& reference)
{
    const size_t colon = reference.rfind(':');
    const bool hasTag = colon != std::string::npos && reference.find('/', colon) == std::string::npos;
    return hasTag ? std::make_pair(reference.substr(0, colon), reference.substr(colon + 1))
                  : std::make_pair(reference, std::string("latest"));
}

} // namespace layerscope::baselayer
