// SPDX-License-Identifier: Apache-2.0
#include "image/layerfolderreader.h"

#include "common/error.h"
#include "image/blobstore.h"
#include "image/jsondocument.h"
#include "io/filesource.h"
#include "io/platformfile.h"

#include <algorithm>
#include <fstream>

namespace layerscope::image {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t MaxChainFileSize = uint64_t(1) << 20;

bool isDirectory(const fs::path& path)
{
    std::error_code ec;
    return fs::is_directory(path, ec);
}

// layerchain.json as written (nearest parent first); nullopt when the folder has none; empty for `null` or [].
std::optional<std::vector<std::string>> readChainFile(const fs::path& folder)
{
    const fs::path file = folder / "layerchain.json";
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
        return std::nullopt;
    const std::string name = io::pathToUtf8(file);
    const auto size = fs::file_size(file, ec);
    if (ec || size > MaxChainFileSize)
        throw Error({name, {}, {}, {}}, ec ? "cannot read: " + ec.message() : std::string("too large"));
    std::vector<uint8_t> bytes(static_cast<size_t>(size));
    io::FileSource source(file);
    size_t done = 0;
    while (done < bytes.size()) {
        const size_t n = source.read(bytes.data() + done, bytes.size() - done);
        if (n == 0)
            break;
        done += n;
    }
    bytes.resize(done);
    const JsonDocument doc(bytes, name);
    std::vector<std::string> out;
    if (doc.root().is_null())
        return out;
    doc.array(doc.root(), "$");
    for (size_t i = 0; i < doc.root().size(); ++i)
        out.push_back(doc.string(doc.root()[i], JsonDocument::elementPath("$", i)));
    return out;
}

bool looksLikeWindowsPath(const std::string& p)
{
    return p.find('\\') != std::string::npos || (p.size() >= 2 && p[1] == ':');
}

std::string lastComponent(const std::string& p)
{
    std::string s = p;
    while (!s.empty() && (s.back() == '\\' || s.back() == '/'))
        s.pop_back();
    const size_t cut = s.find_last_of("\\/");
    return cut == std::string::npos ? s : s.substr(cut + 1);
}

// Where a parent named in `from`'s layerchain.json is on this machine, or nullopt.
std::optional<fs::path> resolveParent(const std::string& written, const fs::path& from, std::string& note)
{
    const fs::path given = fs::u8path(written);
    if (!looksLikeWindowsPath(written) || fs::path::preferred_separator == '\\') {
        if (given.is_absolute() && isDirectory(given))
            return given;
        if (given.is_relative() && isDirectory(from.parent_path() / given))
            return from.parent_path() / given;
    }
    // A tree copied off a Windows host: windowsfilter\<id> folders are siblings, so look for <id> next to us.
    const std::string id = lastComponent(written);
    if (id.empty() || id == "." || id == "..")
        return std::nullopt;
    const fs::path sibling = from.parent_path() / fs::u8path(id);
    if (isDirectory(sibling)) {
        note = "layerchain.json of " + io::pathToUtf8(from.filename()) + " names " + written
            + "; resolved to the sibling folder " + io::pathToUtf8(sibling);
        return sibling;
    }
    return std::nullopt;
}

fs::path canonicalOrSelf(const fs::path& p)
{
    std::error_code ec;
    const fs::path c = fs::weakly_canonical(p, ec);
    return ec ? p : c;
}

void describeFolder(LayerRef& layer)
{
    std::error_code ec;
    std::vector<std::string> artifacts;
    std::vector<fs::path> disks;
    for (const auto& entry : fs::directory_iterator(layer.folder, ec)) {
        const std::string name = io::pathToUtf8(entry.path().filename());
        if (name == "Files" || name == "Hives" || name == "UtilityVM")
            continue;
        artifacts.push_back(name);
        if (entry.path().extension() == ".vhdx")
            disks.push_back(entry.path());
    }
    for (const auto& entry : fs::directory_iterator(layer.folder / "UtilityVM", ec))
        if (entry.path().extension() == ".vhdx")
            disks.push_back(entry.path());
    std::sort(artifacts.begin(), artifacts.end());
    std::sort(disks.begin(), disks.end());
    layer.artifacts = std::move(artifacts);
    for (const fs::path& disk : disks) {
        try {
            layer.disks.push_back(readVhdxInfo(disk));
        } catch (const Error& e) {
            layer.problems.push_back({wcow::Problem::Severity::Error, io::pathToUtf8(disk.filename()), e.what()});
        }
    }
}

} // namespace

bool isLayerFolder(const fs::path& folder)
{
    std::error_code ec;
    return isDirectory(folder / "Files") || fs::is_regular_file(folder / "layerchain.json", ec);
}

void readLayerFolder(const fs::path& top, Image& image)
{
    image.kind = SourceKind::LayerFolder;
    image.os = "windows";
    const fs::path topCanonical = canonicalOrSelf(top);

    // Top first, then parents nearest first, as layerchain.json lists them.
    std::vector<fs::path> chain {top};
    std::vector<fs::path> canonical {topCanonical};
    std::vector<std::string> written;
    std::vector<bool> found {true};
    const auto parents = readChainFile(top);
    const std::string chainName = io::pathToUtf8(top / "layerchain.json");
    if (!parents)
        image.notes.push_back("no layerchain.json: parents unknown, showing this layer alone");
    if (parents && parents->size() > MaxLayers)
        throw Error({chainName, {}, {}, {}}, "$: " + tooManyLayers(parents->size()));
    if (parents) {
        for (size_t i = 0; i < parents->size(); ++i) {
            std::string note;
            const auto where = resolveParent((*parents)[i], top, note);
            written.push_back((*parents)[i]);
            if (!where) {
                image.notes.push_back("parent " + (*parents)[i] + " (layerchain.json $[" + std::to_string(i)
                                      + "]) is not here");
                chain.push_back(fs::u8path(lastComponent((*parents)[i])));
                canonical.emplace_back();
                found.push_back(false);
                continue;
            }
            // A parent must be a layer folder: a hostile layerchain.json naming "/" or "../../etc" must not make us
            // list and read folders that hold no layer.
            if (!isLayerFolder(*where))
                throw Error({chainName, {}, {}, {}},
                            "$[" + std::to_string(i) + "]: parent " + (*parents)[i] + " resolves to "
                                + io::pathToUtf8(*where)
                                + ", which is not a Windows layer folder (no Files folder or layerchain.json)");
            const fs::path c = canonicalOrSelf(*where);
            if (std::find(canonical.begin(), canonical.end(), c) != canonical.end())
                throw Error({chainName, {}, {}, {}},
                            "$[" + std::to_string(i) + "]: cycle: " + (*parents)[i] + " is already in the chain");
            if (!note.empty())
                image.notes.push_back(note);
            chain.push_back(*where);
            canonical.push_back(c);
            found.push_back(true);
        }
    }
    // Each parent's own layerchain.json must continue the chain downwards; naming a layer above it is a cycle.
    for (size_t k = 1; k < chain.size(); ++k) {
        if (!found[k])
            continue;
        const auto own = readChainFile(chain[k]);
        if (!own || own->empty())
            continue;
        std::string note;
        const auto next = resolveParent(own->front(), chain[k], note);
        if (!next)
            continue;
        const fs::path c = canonicalOrSelf(*next);
        const auto at = std::find(canonical.begin(), canonical.end(), c);
        if (at != canonical.end() && size_t(at - canonical.begin()) <= k)
            throw Error({io::pathToUtf8(chain[k] / "layerchain.json"), {}, {}, {}},
                        "$[0]: cycle: " + own->front() + " is a layer above this one in the chain");
        if (k + 1 < chain.size() && found[k + 1] && c != canonical[k + 1])
            image.notes.push_back("layerchain.json of " + io::pathToUtf8(chain[k].filename()) + " names " + own->front()
                                  + " as its parent, but the top layer's chain says " + io::pathToUtf8(chain[k + 1]));
    }

    // Base first.
    for (size_t n = chain.size(); n-- > 0;) {
        LayerRef layer;
        layer.index = image.layers.size();
        layer.folder = chain[n];
        layer.folderId = io::pathToUtf8(chain[n].filename());
        layer.present = found[n];
        layer.blobPath = io::pathToUtf8(chain[n]);
        if (n == 0 && parents)
            layer.parentPaths = *parents;
        else if (n > 0 && found[n])
            layer.parentPaths = readChainFile(chain[n]).value_or(std::vector<std::string>());
        const bool base = n + 1 == chain.size() && parents.has_value();
        layer.layout = !parents ? std::string() : base && found[n] ? "windows-base" : "windows-delta";
        if (found[n])
            describeFolder(layer);
        image.layers.push_back(std::move(layer));
    }
}

} // namespace layerscope::image
