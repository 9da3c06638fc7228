// SPDX-License-Identifier: Apache-2.0
#include "filedialogs.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QObject>
#include <QPushButton>
#include <QSettings>

namespace layerscope::ui {

namespace {

QString key(FileDialogs::Purpose purpose)
{
    switch (purpose) {
    case FileDialogs::Purpose::Open:
        return QStringLiteral("folders/open");
    case FileDialogs::Purpose::Compare:
        return QStringLiteral("folders/compare");
    case FileDialogs::Purpose::Hive:
        return QStringLiteral("folders/hive");
    case FileDialogs::Purpose::Export:
        return QStringLiteral("folders/export");
    case FileDialogs::Purpose::Report:
        return QStringLiteral("folders/report");
    case FileDialogs::Purpose::ScratchFolder:
        return QStringLiteral("folders/scratch");
    case FileDialogs::Purpose::NewLayer:
        return QStringLiteral("folders/newLayer");
    }
    return QStringLiteral("folders/other");
}

} // namespace

QString FileDialogs::lastFolder(Purpose purpose)
{
    const QString folder = QSettings().value(key(purpose)).toString();
    if (!folder.isEmpty() && QFileInfo(folder).isDir())
        return folder;
    // Opening and comparing look at the same kind of files: one may start where the other was last.
    if (purpose == Purpose::Compare)
        return lastFolder(Purpose::Open);
    return QDir::homePath();
}

void FileDialogs::remember(Purpose purpose, const QString& path)
{
    if (path.isEmpty())
        return;
    const QFileInfo info(path);
    QSettings().setValue(key(purpose), info.isDir() ? info.absoluteFilePath() : info.absolutePath());
}

QStringList FileDialogs::openFilters()
{
    return {QObject::tr("Layers, images and blobs (*)"),
            QObject::tr("Layer and image archives (*.tar *.tar.gz *.tgz *.tar.zst *.tzst *.tar.xz *.txz *.tar.bz2 "
                        "*.tbz2 *.gz *.zst *.xz *.bz2)")};
}

QString FileDialogs::openFile(QWidget* parent, const QString& title, Purpose purpose)
{
    const QString path
        = QFileDialog::getOpenFileName(parent, title, lastFolder(purpose), openFilters().join(QStringLiteral(";;")));
    remember(purpose, path);
    return path;
}

QString FileDialogs::openFolder(QWidget* parent, const QString& title, Purpose purpose)
{
    const QString path = QFileDialog::getExistingDirectory(parent, title, lastFolder(purpose));
    remember(purpose, path);
    return path;
}

QString FileDialogs::saveFile(QWidget* parent, const QString& title, Purpose purpose, const QString& suggestedName,
                              const QString& filters, QString* selectedFilter, bool* overwrite)
{
    const QString start
        = QFileInfo(suggestedName).isAbsolute() ? suggestedName : QDir(lastFolder(purpose)).filePath(suggestedName);
    const QString path = QFileDialog::getSaveFileName(parent, title, start, filters, selectedFilter,
                                                      QFileDialog::DontConfirmOverwrite);
    if (path.isEmpty())
        return {};
    const bool exists = QFileInfo::exists(path);
    if (exists && !confirmOverwrite(parent, path))
        return {};
    if (overwrite)
        *overwrite = exists;
    remember(purpose, path);
    return path;
}

bool FileDialogs::confirmOverwrite(QWidget* parent, const QString& path)
{
    QMessageBox box(QMessageBox::Warning, QObject::tr("Replace %1?").arg(QFileInfo(path).fileName()),
                    QObject::tr("%1 already exists. Replace it?").arg(QFileInfo(path).fileName()),
                    QMessageBox::Yes | QMessageBox::Cancel, parent);
    box.setObjectName(QStringLiteral("confirmOverwrite"));
    box.setInformativeText(QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath()));
    box.button(QMessageBox::Yes)->setText(QObject::tr("&Replace"));
    box.setDefaultButton(QMessageBox::Cancel);
    return box.exec() == QMessageBox::Yes;
}

} // namespace layerscope::ui
