// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QIcon>

namespace layerscope::ui {

// The application's own icons (resources/icons/*.svg). When Qt's SVG plugin is missing (Debian's libqt6svg6 not
// installed) each falls back to the closest QStyle standard icon, so no view ever shows a blank.
class Icons
{
public:
    enum Icon { App, Whiteout, Hardlink, Stream, NewBase, Compare };

    static QIcon get(Icon icon);

    // layerscope_ui is a static library: the linker would drop the generated resource initialisers (the icons, and
    // the README for Help ▸ Guide) unless something calls them.
    static void initResources();
};

} // namespace layerscope::ui
