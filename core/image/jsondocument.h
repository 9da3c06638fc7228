// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace layerscope::image {

// A parsed JSON file of an image source (index.json, a manifest, a config, manifest.json, layerchain.json) with
// accessors that check types and throw layerscope::Error naming the file and the JSON path ("$.layers[2].digest")
// of whatever is missing or of the wrong type.
class JsonDocument
{
public:
    // Throws layerscope::Error naming the file and byte offset when the text is not JSON, and naming the file when
    // it nests deeper than MaxDepth.
    JsonDocument(std::span<const uint8_t> bytes, std::string file);

    static constexpr int MaxDepth = 64;

    const nlohmann::json& root() const { return m_root; }
    const std::string& file() const { return m_file; }

    [[noreturn]] void fail(const std::string& jsonPath, const std::string& message) const;

    const nlohmann::json& object(const nlohmann::json& value, const std::string& jsonPath) const;
    const nlohmann::json& array(const nlohmann::json& value, const std::string& jsonPath) const;
    std::string string(const nlohmann::json& value, const std::string& jsonPath) const;
    uint64_t unsignedNumber(const nlohmann::json& value, const std::string& jsonPath) const;

    // Members of an object: required ones throw when absent; optional ones return nullptr / nullopt when absent
    // or null, and throw when present with the wrong type.
    const nlohmann::json& member(const nlohmann::json& object, const std::string& objectPath, const char* key) const;
    const nlohmann::json* optionalMember(const nlohmann::json& object, const char* key) const;
    std::string requiredString(const nlohmann::json& object, const std::string& objectPath, const char* key) const;
    std::optional<std::string> optionalString(const nlohmann::json& object, const std::string& objectPath,
                                              const char* key) const;
    std::vector<std::string> optionalStrings(const nlohmann::json& object, const std::string& objectPath,
                                             const char* key) const;

    static std::string memberPath(const std::string& objectPath, const char* key);
    static std::string elementPath(const std::string& arrayPath, size_t index);

private:
    nlohmann::json m_root;
    std::string m_file;
};

} // namespace layerscope::image
