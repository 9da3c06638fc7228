// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

namespace layerscope::image {

// Chain IDs of a layer stack, base first (OCI image-spec config.md "Layer ChainID"):
//   ChainID(L0) = DiffID(L0);  ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)), hashed as text.
// They name "this layer on top of exactly these layers", which a diff_id alone does not.
std::vector<std::string> computeChainIds(const std::vector<std::string>& diffIds);

} // namespace layerscope::image
