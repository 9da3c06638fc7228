// SPDX-License-Identifier: Apache-2.0
#include "report/jsonstreamwriter.h"

#include <charconv>

namespace layerscope::report {

namespace {

constexpr size_t FlushBytes = 64 * 1024;

// Printable ASCII other than the two characters JSON escapes: nlohmann prints these as they are.
bool isPlain(std::string_view text)
{
    for (char c : text) {
        const auto u = uint8_t(c);
        if (u < 0x20 || u >= 0x7F || c == '"' || c == '\\')
            return false;
    }
    return true;
}

} // namespace

JsonStreamWriter::JsonStreamWriter(std::ostream& out, int indent)
    : m_out(out)
    , m_indent(indent)
{
    m_buffer.reserve(FlushBytes + 4096);
}

JsonStreamWriter::~JsonStreamWriter()
{
    flush();
}

void JsonStreamWriter::newline(size_t depth)
{
    m_buffer.push_back('\n');
    m_buffer.append(depth * size_t(m_indent), ' ');
}

void JsonStreamWriter::beforeValue()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (m_levels.empty())
        return;
    Level& level = m_levels.back();
    if (!level.empty)
        m_buffer.push_back(',');
    level.empty = false;
    newline(m_levels.size());
}

void JsonStreamWriter::key(std::string_view name)
{
    Level& level = m_levels.back();
    if (!level.empty)
        m_buffer.push_back(',');
    level.empty = false;
    newline(m_levels.size());
    writeString(name);
    m_buffer.append(": ");
    m_afterKey = true;
}

void JsonStreamWriter::beginObject()
{
    beforeValue();
    m_buffer.push_back('{');
    m_levels.push_back({true, true});
}

void JsonStreamWriter::endObject()
{
    const bool empty = m_levels.back().empty;
    m_levels.pop_back();
    if (!empty)
        newline(m_levels.size());
    m_buffer.push_back('}');
    maybeFlush();
}

void JsonStreamWriter::beginArray()
{
    beforeValue();
    m_buffer.push_back('[');
    m_levels.push_back({false, true});
}

void JsonStreamWriter::endArray()
{
    const bool empty = m_levels.back().empty;
    m_levels.pop_back();
    if (!empty)
        newline(m_levels.size());
    m_buffer.push_back(']');
    maybeFlush();
}

void JsonStreamWriter::value(std::string_view text)
{
    beforeValue();
    writeString(text);
    maybeFlush();
}

void JsonStreamWriter::writeUnsigned(uint64_t number)
{
    beforeValue();
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
    m_buffer.append(digits, end);
}

void JsonStreamWriter::value(bool flag)
{
    beforeValue();
    m_buffer.append(flag ? "true" : "false");
}

void JsonStreamWriter::null()
{
    beforeValue();
    m_buffer.append("null");
}

void JsonStreamWriter::value(const nlohmann::json& json)
{
    beforeValue();
    // nlohmann indents nested lines by their depth; a piece dumped on its own starts at depth 0, so its lines get
    // ours added. Strings never hold a raw newline (it is escaped), so every '\n' starts a line.
    const std::string text = json.dump(m_indent, ' ', false, nlohmann::json::error_handler_t::replace);
    const std::string pad(m_levels.size() * size_t(m_indent), ' ');
    size_t start = 0;
    for (size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
        m_buffer.append(text, start, nl + 1 - start);
        m_buffer.append(pad);
        start = nl + 1;
    }
    m_buffer.append(text, start);
    maybeFlush();
}

void JsonStreamWriter::writeString(std::string_view text)
{
    if (isPlain(text)) {
        m_buffer.push_back('"');
        m_buffer.append(text);
        m_buffer.push_back('"');
        return;
    }
    // Escapes, non-ASCII and invalid UTF-8 (replaced by U+FFFD, as the CLI always printed it) exactly as nlohmann
    // writes them.
    m_buffer += nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void JsonStreamWriter::finish()
{
    m_buffer.push_back('\n');
    flush();
}

void JsonStreamWriter::maybeFlush()
{
    if (m_buffer.size() >= FlushBytes)
        flush();
}

void JsonStreamWriter::flush()
{
    if (m_buffer.empty())
        return;
    m_out.write(m_buffer.data(), std::streamsize(m_buffer.size()));
    m_buffer.clear();
}

} // namespace layerscope::report
