// SPDX-License-Identifier: Apache-2.0
#include "image/chainid.h"

#include "common/sha256.h"

namespace layerscope::image {

std::vector<std::string> computeChainIds(const std::vector<std::string>& diffIds)
{
    std::vector<std::string> out;
    out.reserve(diffIds.size());
    for (const std::string& diffId : diffIds) {
        if (out.empty())
            out.push_back(diffId);
        else
            out.push_back(toDigestString(Sha256::of(out.back() + ' ' + diffId)));
    }
    return out;
}

} // namespace layerscope::image
