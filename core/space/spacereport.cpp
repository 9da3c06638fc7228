// SPDX-License-Identifier: Apache-2.0
#include "space/spacereport.h"

namespace layerscope::space {

const char* layerRoleName(LayerRole role)
{
    switch (role) {
    case LayerRole::Base:
        return "base";
    case LayerRole::Servicing:
        return "servicing";
    case LayerRole::Application:
        return "application";
    }
    return "application";
}

} // namespace layerscope::space
