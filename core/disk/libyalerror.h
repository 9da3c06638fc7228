// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace layerscope::disk {

// The first line of a libyal library's error (libvhdi, libfsntfs: the same libcerror underneath), which it stacks
// one line per call frame, the first saying most; frees the error. `library` names it when it says nothing.
template<typename ErrorT, typename Sprint, typename Free>
std::string libyalMessage(ErrorT*& error, Sprint sprint, Free free, const char* library)
{
    std::string text;
    if (error) {
        char buffer[1024] = {};
        if (sprint(error, buffer, sizeof buffer) > 0)
            text = buffer;
        free(&error);
    }
    const size_t newline = text.find('\n');
    if (newline != std::string::npos)
        text.resize(newline);
    return text.empty() ? std::string("unknown ") + library + " error" : text;
}

} // namespace layerscope::disk
