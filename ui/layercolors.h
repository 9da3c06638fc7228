// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QColor>

namespace layerscope::ui {

// One colour per layer position, shared by the Space pane's bars, treemap and legend so that a layer looks the same
// everywhere: hues spread around the wheel, base first.
class LayerColors
{
public:
    static QColor of(int layer, int layerCount);
    // The shade of bytes a later layer hides (overwritten or deleted).
    static QColor hidden();
};

} // namespace layerscope::ui
