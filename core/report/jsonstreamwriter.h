// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json.hpp>

#include <concepts>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope::report {

// Writes one JSON document piece by piece, byte for byte as nlohmann::json::dump(indent, ' ', false, replace) would
// print the same document built whole: a million-entry listing is never held as a DOM (which costs ~1 KiB per
// entry). nlohmann's objects print their keys sorted, so callers write keys in std::string order to get the same
// bytes; tests/core/report compares both forms on every fixture.
//
// Output collects in a buffer that goes to the stream every 64 KiB and on flush().
class JsonStreamWriter
{
public:
    explicit JsonStreamWriter(std::ostream& out, int indent = 2);
    ~JsonStreamWriter();
    JsonStreamWriter(const JsonStreamWriter&) = delete;
    JsonStreamWriter& operator=(const JsonStreamWriter&) = delete;

    void beginObject();
    void endObject();
    void beginArray();
    void endArray();
    // The next member's name (inside an object only).
    void key(std::string_view name);

    void value(std::string_view text);
    void value(const char* text) { value(std::string_view(text)); }
    void value(const std::string& text) { value(std::string_view(text)); }
    template<std::unsigned_integral T>
    requires(!std::same_as<T, bool>) void value(T number) { writeUnsigned(uint64_t(number)); }
    void value(bool flag);
    void null();
    // A finished piece of DOM (a problem list, counts), printed at the current depth.
    void value(const nlohmann::json& json);

    // Ends the document with a newline (as the CLI prints it) and writes out the buffer.
    void finish();
    void flush();

private:
    void beforeValue();
    void newline(size_t depth);
    void writeString(std::string_view text);
    void writeUnsigned(uint64_t number);
    void maybeFlush();

    struct Level
    {
        bool object;
        bool empty;
    };

    std::ostream& m_out;
    int m_indent;
    std::string m_buffer;
    std::vector<Level> m_levels;
    bool m_afterKey = false;
};

} // namespace layerscope::report
