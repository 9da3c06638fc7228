// SPDX-License-Identifier: Apache-2.0
#include "image/jsondocument.h"

#include "common/error.h"

namespace layerscope::image {

using nlohmann::json;

namespace {

// nlohmann prefixes its messages with "[json.exception.parse_error.101] "; the rest reads well on its own.
std::string withoutPrefix(const char* what)
{
    const std::string_view text(what);
    const size_t bracket = text.find("] ");
    return std::string(bracket == std::string_view::npos ? text : text.substr(bracket + 2));
}

} // namespace

JsonDocument::JsonDocument(std::span<const uint8_t> bytes, std::string file)
    : m_file(std::move(file))
{
    // Image documents nest a few levels; a hostile one nested 100,000 deep would parse (nlohmann's parser keeps its
    // own stack) but copying or printing it recurses once per level and overflows the stack. nlohmann has no depth
    // limit of its own, and its callback parser, which could enforce one, is ten times slower than the plain one
    // (2 s for a 13 MB manifest of 100,000 layers, minutes under ASan), so a linear scan checks the depth first.
    bool inString = false, escaped = false;
    size_t depth = 0;
    for (size_t i = 0; i < bytes.size(); ++i) {
        const uint8_t c = bytes[i];
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            if (++depth > size_t(MaxDepth))
                throw Error({m_file, {}, {}, i},
                            "JSON nests deeper than " + std::to_string(MaxDepth) + " levels; image documents never do");
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    try {
        m_root = json::parse(bytes.begin(), bytes.end());
    } catch (const json::parse_error& e) {
        throw Error({m_file, {}, {}, e.byte > 0 ? e.byte - 1 : 0}, "malformed JSON: " + withoutPrefix(e.what()));
    } catch (const json::exception& e) {
        // Well-formed text nlohmann still refuses, such as a number beyond a double (1e400): out_of_range.406,
        // which carries no byte offset.
        throw Error({m_file, {}, {}, {}}, std::string("malformed JSON: ") + withoutPrefix(e.what()));
    }
}

void JsonDocument::fail(const std::string& jsonPath, const std::string& message) const
{
    throw Error({m_file, {}, {}, {}}, jsonPath + ": " + message);
}

namespace {

const char* typeName(const json& value)
{
    return value.type_name();
}

} // namespace

const json& JsonDocument::object(const json& value, const std::string& jsonPath) const
{
    if (!value.is_object())
        fail(jsonPath, std::string("expected an object, found ") + typeName(value));
    return value;
}

const json& JsonDocument::array(const json& value, const std::string& jsonPath) const
{
    if (!value.is_array())
        fail(jsonPath, std::string("expected an array, found ") + typeName(value));
    return value;
}

std::string JsonDocument::string(const json& value, const std::string& jsonPath) const
{
    if (!value.is_string())
        fail(jsonPath, std::string("expected a string, found ") + typeName(value));
    return value.get<std::string>();
}

uint64_t JsonDocument::unsignedNumber(const json& value, const std::string& jsonPath) const
{
    if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<int64_t>() >= 0))
        fail(jsonPath, std::string("expected a non-negative integer, found ") + typeName(value));
    return value.get<uint64_t>();
}

const json& JsonDocument::member(const json& object, const std::string& objectPath, const char* key) const
{
    this->object(object, objectPath);
    const auto it = object.find(key);
    if (it == object.end())
        fail(memberPath(objectPath, key), "missing");
    return *it;
}

const json* JsonDocument::optionalMember(const json& object, const char* key) const
{
    if (!object.is_object())
        return nullptr;
    const auto it = object.find(key);
    if (it == object.end() || it->is_null())
        return nullptr;
    return &*it;
}

std::string JsonDocument::requiredString(const json& object, const std::string& objectPath, const char* key) const
{
    return string(member(object, objectPath, key), memberPath(objectPath, key));
}

std::optional<std::string> JsonDocument::optionalString(const json& object, const std::string& objectPath,
                                                        const char* key) const
{
    const json* value = optionalMember(object, key);
    if (!value)
        return std::nullopt;
    return string(*value, memberPath(objectPath, key));
}

std::vector<std::string> JsonDocument::optionalStrings(const json& object, const std::string& objectPath,
                                                       const char* key) const
{
    std::vector<std::string> out;
    const json* value = optionalMember(object, key);
    if (!value)
        return out;
    const std::string path = memberPath(objectPath, key);
    array(*value, path);
    for (size_t i = 0; i < value->size(); ++i)
        out.push_back(string((*value)[i], elementPath(path, i)));
    return out;
}

std::string JsonDocument::memberPath(const std::string& objectPath, const char* key)
{
    std::string k = key;
    const bool plain = k.find_first_of(".[]\" ") == std::string::npos && !k.empty();
    return plain ? objectPath + '.' + k : objectPath + "[\"" + k + "\"]";
}

std::string JsonDocument::elementPath(const std::string& arrayPath, size_t index)
{
    return arrayPath + '[' + std::to_string(index) + ']';
}

} // namespace layerscope::image
