// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small pieces every image writer needs (the packager here and the scratch layer's image appender).

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>

namespace layerscope::tar {
class TarWriter;
}

namespace layerscope::baselayer {

// Writes a small file (a JSON document, a marker) through a temporary name, replacing what is there, and returns
// the "sha256:<hex>" digest of its bytes.
std::string writeSmallFile(const std::filesystem::path& path, const std::string& bytes);

// Adds a regular file member (mode 0644) holding `bytes` to a docker archive being written.
void addTarMember(tar::TarWriter& writer, const std::string& name, const std::string& bytes, int64_t mtime);

// "name:tag" -> {name, tag}; without a tag {reference, "latest"}, as docker reads references (a colon followed
// by a slash belongs to a registry port, not a tag).
std::pair<std::string, std::string> splitReference(const std::string& reference);

} // namespace layerscope::baselayer
