// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "baselayer/imagepackager.h"

#include <QDialog>

#include <filesystem>
#include <optional>

class QCheckBox;
class QComboBox;
class QLineEdit;

namespace layerscope::ui {

// "New Empty Base Layer…" and "New Base Layer from Folder…": the few choices `make-base` offers, with defaults
// that work (tar.gz in the folder last used for new layers, no UtilityVM, any os.version).
class NewBaseLayerDialog : public QDialog
{
    Q_OBJECT
public:
    struct Request
    {
        std::optional<std::filesystem::path> fromFolder;
        std::filesystem::path output;
        baselayer::OutputFormat format = baselayer::OutputFormat::TarGz;
        bool utilityVm = false;
        bool overwrite = false; // the user agreed to replace an existing output
        std::string osVersion;
        std::string architecture = "amd64";
        std::string tag;
    };

    explicit NewBaseLayerDialog(bool fromFolder, QWidget* parent = nullptr);

    Request request() const;

    QComboBox* formatBox() const { return m_format; }
    QLineEdit* outputEdit() const { return m_output; }
    QLineEdit* folderEdit() const { return m_folder; }
    QCheckBox* utilityVmBox() const { return m_utilityVm; }
    QLineEdit* osVersionEdit() const { return m_osVersion; }
    QLineEdit* tagEdit() const { return m_tag; }

    void accept() override;

private:
    void formatChanged();
    static QString extensionOf(baselayer::OutputFormat format);

    QComboBox* m_format;
    QLineEdit* m_output;
    QLineEdit* m_folder;
    QCheckBox* m_utilityVm;
    QLineEdit* m_osVersion;
    QLineEdit* m_architecture;
    QLineEdit* m_tag;
    bool m_overwrite = false;
};

} // namespace layerscope::ui
