// SPDX-License-Identifier: Apache-2.0
#include "error.h"

namespace layerscope {

Error::Error(std::string message)
    : Error(Where {}, std::move(message))
{ }

Error::Error(Where where, std::string message)
    : std::runtime_error(format(where, message))
    , m_where(std::move(where))
    , m_message(std::move(message))
{ }

Error Error::withFile(const std::string& file) const
{
    if (!m_where.file.empty())
        return *this;
    Where where = m_where;
    where.file = file;
    return Error(std::move(where), m_message);
}

std::string Error::format(const Where& where, const std::string& message)
{
    // Built with += throughout: GCC 12 reports false -Wrestrict positives on "literal" + std::string chains.
    std::string out;
    if (!where.file.empty()) {
        out += where.file;
        out += ": ";
    }
    if (where.entryIndex || !where.entryPath.empty()) {
        out += "entry";
        if (where.entryIndex) {
            out += ' ';
            out += std::to_string(*where.entryIndex);
        }
        if (!where.entryPath.empty()) {
            out += " \"";
            out += where.entryPath;
            out += '"';
        }
        out += where.offset ? " " : ": ";
    }
    if (where.offset) {
        out += "at byte ";
        out += std::to_string(*where.offset);
        out += ": ";
    }
    out += message;
    return out;
}

} // namespace layerscope
