// SPDX-License-Identifier: Apache-2.0
#include "image/blobstore.h"

#include "common/error.h"

namespace layerscope::image {

std::vector<uint8_t> BlobStore::readAll(const std::string& path, uint64_t limit) const
{
    const auto known = size(path);
    if (known && *known > limit)
        throw Error({displayName(path), {}, {}, {}},
                    std::to_string(*known) + " bytes is too large for a JSON document (limit " + std::to_string(limit)
                        + ")");
    auto source = open(path);
    std::vector<uint8_t> bytes;
    uint8_t buffer[65536];
    for (;;) {
        const size_t n = source->read(buffer, sizeof buffer);
        if (n == 0)
            break;
        if (bytes.size() + n > limit)
            throw Error({displayName(path), {}, {}, {}},
                        "too large for a JSON document (limit " + std::to_string(limit) + " bytes)");
        bytes.insert(bytes.end(), buffer, buffer + n);
    }
    return bytes;
}

std::string BlobStore::blobPath(const std::string& digest)
{
    const size_t colon = digest.find(':');
    return "blobs/" + digest.substr(0, colon) + '/' + digest.substr(colon + 1);
}

std::string BlobStore::checkedPath(const std::string& path, const std::string& file, const std::string& jsonPath)
{
    auto fail = [&](const std::string& why) -> std::string {
        throw Error({file, {}, {}, {}}, jsonPath + ": path \"" + path + "\" " + why);
    };
    if (path.empty())
        fail("is empty");
    std::string p = path;
    for (char& c : p)
        if (c == '\\')
            c = '/';
    if (p.front() == '/' || (p.size() >= 2 && p[1] == ':'))
        fail("is absolute; only paths inside the source may be named");
    if (p.find('\0') != std::string::npos)
        fail("contains a NUL byte");
    std::string out;
    size_t start = 0;
    while (start <= p.size()) {
        size_t slash = p.find('/', start);
        if (slash == std::string::npos)
            slash = p.size();
        const std::string component = p.substr(start, slash - start);
        if (component == "..")
            fail("leaves the source with \"..\"");
        if (!component.empty() && component != ".") {
            if (!out.empty())
                out.push_back('/');
            out += component;
        }
        start = slash + 1;
    }
    if (out.empty())
        fail("names no file");
    return out;
}

} // namespace layerscope::image
