// SPDX-License-Identifier: Apache-2.0
#include "scratch/pathpolicy.h"

#include "wcow/ntfsnames.h"

namespace layerscope::scratch {

std::optional<std::string> rawNameProblem(std::string_view name)
{
    if (name.empty())
        return "empty name";
    if (name.front() == '/' || name.front() == '\\')
        return "absolute path";
    if (name.size() >= 2 && name[1] == ':'
        && ((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')))
        return "drive-letter path";
    if (name.find('\\') != std::string_view::npos)
        return "backslash in a name (Windows reads it as a separator)";
    for (size_t start = 0;;) {
        const size_t end = name.find('/', start);
        if (name.substr(start, end - start) == "..")
            return "'..' component climbs out of the layer";
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    return std::nullopt;
}

std::optional<std::string> componentProblem(std::string_view component)
{
    if (component.empty() || component == "." || component == "..")
        return std::string("'").append(component).append("' is not a name");
    if (auto problem = wcow::ntfsNameProblem(component))
        return std::string("'").append(component).append("' ").append(*problem);
    return std::nullopt;
}

std::optional<std::string> relativePathProblem(std::string_view relative)
{
    for (size_t start = 0;;) {
        const size_t end = relative.find('/', start);
        if (auto problem = componentProblem(relative.substr(start, end - start)))
            return problem;
        if (end == std::string_view::npos)
            return std::nullopt;
        start = end + 1;
    }
}

} // namespace layerscope::scratch
