// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace layerscope {

// The one error type core throws for bad input or failed I/O. It carries where the problem is (file, entry,
// byte offset) separately from what is wrong, so that each face can format it; what() gives the house format:
//   base.tar.gz: entry 4711 "Files/x.dll" at byte 10485760: PAX record length 99999 exceeds the 1 MiB limit
class Error : public std::runtime_error
{
public:
    struct Where
    {
        std::string file;
        std::optional<uint64_t> entryIndex;
        std::string entryPath;
        std::optional<uint64_t> offset;
    };

    explicit Error(std::string message);
    Error(Where where, std::string message);

    const Where& where() const { return m_where; }
    const std::string& message() const { return m_message; }

    // Returns a copy with the file name filled in when it was not known where the error was raised.
    Error withFile(const std::string& file) const;

private:
    static std::string format(const Where& where, const std::string& message);

    Where m_where;
    std::string m_message;
};

// Thrown when a Progress reports cancellation; not an input problem, so faces treat it quietly.
class Cancelled : public std::runtime_error
{
public:
    Cancelled()
        : std::runtime_error("cancelled")
    {
    }
};

} // namespace layerscope
