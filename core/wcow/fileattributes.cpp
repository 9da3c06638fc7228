// SPDX-License-Identifier: Apache-2.0
#include "fileattributes.h"

#include "common/error.h"

#include <cstdio>

namespace layerscope::wcow {

namespace {

struct Attribute
{
    uint32_t bit;
    const char* name;
    char letter;
};

// Bit order; the letter order is kLetterOrder below.
constexpr Attribute kAttributes[] = {
    {fileattr::ReadOnly, "READONLY", 'R'},
    {fileattr::Hidden, "HIDDEN", 'H'},
    {fileattr::System, "SYSTEM", 'S'},
    {fileattr::Directory, "DIRECTORY", 'D'},
    {fileattr::Archive, "ARCHIVE", 'A'},
    {fileattr::Device, "DEVICE", '?'},
    {fileattr::Normal, "NORMAL", 'N'},
    {fileattr::Temporary, "TEMPORARY", 'T'},
    {fileattr::SparseFile, "SPARSE_FILE", 'Z'},
    {fileattr::ReparsePoint, "REPARSE_POINT", 'L'},
    {fileattr::Compressed, "COMPRESSED", 'C'},
    {fileattr::Offline, "OFFLINE", 'O'},
    {fileattr::NotContentIndexed, "NOT_CONTENT_INDEXED", 'I'},
    {fileattr::Encrypted, "ENCRYPTED", 'E'},
    {fileattr::IntegrityStream, "INTEGRITY_STREAM", 'V'},
    {fileattr::Virtual, "VIRTUAL", '?'},
    {fileattr::NoScrubData, "NO_SCRUB_DATA", 'X'},
    {fileattr::RecallOnOpen, "RECALL_ON_OPEN", 'Q'},
    {fileattr::Pinned, "PINNED", 'P'},
    {fileattr::Unpinned, "UNPINNED", 'U'},
    {fileattr::RecallOnDataAccess, "RECALL_ON_DATA_ACCESS", 'M'},
    {fileattr::StrictlySequential, "STRICTLY_SEQUENTIAL", 'B'},
};

constexpr uint32_t kLetterOrder[] = {
    fileattr::ReadOnly,
    fileattr::Hidden,
    fileattr::System,
    fileattr::Directory,
    fileattr::Archive,
    fileattr::Normal,
    fileattr::Temporary,
    fileattr::SparseFile,
    fileattr::ReparsePoint,
    fileattr::Compressed,
    fileattr::Offline,
    fileattr::NotContentIndexed,
    fileattr::Encrypted,
    fileattr::IntegrityStream,
    fileattr::NoScrubData,
    fileattr::RecallOnOpen,
    fileattr::Pinned,
    fileattr::Unpinned,
    fileattr::RecallOnDataAccess,
    fileattr::StrictlySequential,
};

const Attribute* find(uint32_t bit)
{
    for (const auto& attribute : kAttributes)
        if (attribute.bit == bit)
            return &attribute;
    return nullptr;
}

} // namespace

std::vector<std::string> attributeNames(uint32_t attributes)
{
    std::vector<std::string> names;
    for (int i = 0; i < 32; ++i) {
        const uint32_t bit = uint32_t(1) << i;
        if (!(attributes & bit))
            continue;
        if (const Attribute* attribute = find(bit)) {
            names.emplace_back(attribute->name);
        } else {
            char buffer[16];
            std::snprintf(buffer, sizeof buffer, "0x%x", bit);
            names.emplace_back(buffer);
        }
    }
    return names;
}

std::string attributeLetters(uint32_t attributes)
{
    std::string letters;
    uint32_t covered = 0;
    for (uint32_t bit : kLetterOrder) {
        covered |= bit;
        if (attributes & bit)
            letters += find(bit)->letter;
    }
    if (attributes & ~covered)
        letters += '?';
    return letters;
}

uint32_t parseFileAttributes(std::string_view text)
{
    if (text.empty())
        throw Error("MSWINDOWS.fileattr is empty; expected a decimal 32-bit attribute mask");
    uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            throw Error("MSWINDOWS.fileattr \"" + std::string(text)
                        + "\" is not a decimal number (the record holds FILE_ATTRIBUTE_* bits in base 10)");
        value = value * 10 + static_cast<uint64_t>(c - '0');
        if (value > 0xFFFFFFFFu)
            throw Error("MSWINDOWS.fileattr \"" + std::string(text)
                        + "\" does not fit 32 bits; importers reject it (FILE_ATTRIBUTE_* is a 32-bit mask)");
    }
    return static_cast<uint32_t>(value);
}

} // namespace layerscope::wcow
