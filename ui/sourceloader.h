// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/progress.h"
#include "loadedsource.h"

#include <QString>

namespace layerscope::ui {

// Opens whatever the user pointed at through core (image::ImageSource decides what it is from its content) and
// gathers what the panes show. Runs on a TaskRunner thread: the result owns everything, nothing refers to the GUI.
class SourceLoader
{
public:
    // Throws layerscope::Error (naming the file) for unreadable input and layerscope::Cancelled when asked to stop.
    static LoadedSource load(const QString& path, Progress& progress);
};

} // namespace layerscope::ui
