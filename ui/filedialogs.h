// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QStringList>

class QWidget;

namespace layerscope::ui {

// The file dialogs of the app in one place: each kind of file starts in the folder last used for that kind
// (remembered across runs), the Open dialog's filters show every file LayerScope reads, and saving asks before
// replacing a file — with our own question, so that it is asked on every platform and by every dialog alike.
class FileDialogs
{
public:
    enum class Purpose { Open, Compare, Hive, Export, Report, ScratchFolder, NewLayer };

    // The folder last used for `purpose` (the home folder at first).
    static QString lastFolder(Purpose purpose);
    // Remembers the folder of `path` (a file) or `path` itself (a folder) for `purpose`.
    static void remember(Purpose purpose, const QString& path);

    // Filters for opening layers and images. The first, the default, shows every file: layers are recognised by
    // their bytes, and a blob in an OCI layout (blobs/sha256/<hex>) has no extension to filter by.
    static QStringList openFilters();

    static QString openFile(QWidget* parent, const QString& title, Purpose purpose);
    static QString openFolder(QWidget* parent, const QString& title, Purpose purpose);
    // Asks where to save (starting at `suggestedName` in the last folder for `purpose`); when the file exists, asks
    // whether to replace it. Empty when the user gave up. `overwrite` tells whether an existing file may be replaced.
    static QString saveFile(QWidget* parent, const QString& title, Purpose purpose, const QString& suggestedName,
                            const QString& filters = {}, QString* selectedFilter = nullptr, bool* overwrite = nullptr);
    // "Replace <name>?" — true when the user says yes. The box's object name is "confirmOverwrite".
    static bool confirmOverwrite(QWidget* parent, const QString& path);
};

} // namespace layerscope::ui
