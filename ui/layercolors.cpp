// SPDX-License-Identifier: Apache-2.0
#include "layercolors.h"

namespace layerscope::ui {

QColor LayerColors::of(int layer, int layerCount)
{
    if (layerCount <= 0 || layer < 0)
        return QColor(160, 160, 160);
    // The golden angle keeps neighbouring layers far apart on the wheel however many there are.
    const int hue = int((210 + layer * 137.508)) % 360;
    return QColor::fromHsv(hue, 150, 215);
}

QColor LayerColors::hidden()
{
    return QColor(150, 150, 150);
}

} // namespace layerscope::ui
