// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "scratch/scratchbackend.h"

#include <QDialog>

#include <filesystem>

class QCheckBox;
class QComboBox;
class QLineEdit;

namespace layerscope::ui {

// "Commit Scratch Layer": where to write the new layer, and optionally a new image with it on top. Wide enough
// for the paths it suggests; asks before replacing outputs that exist.
class CommitDialog : public QDialog
{
    Q_OBJECT
public:
    CommitDialog(const std::filesystem::path& workDir, QWidget* parent = nullptr);

    // What to commit to; `overwrite` is set when the user agreed to replace existing outputs.
    scratch::CommitRequest request() const;

    QLineEdit* layerEdit() const { return m_layer; }
    QCheckBox* withImage() const { return m_withImage; }
    QLineEdit* imageEdit() const { return m_image; }
    QComboBox* imageFormat() const { return m_format; }

    void accept() override;

private:
    QLineEdit* m_layer;
    QCheckBox* m_withImage;
    QLineEdit* m_image;
    QComboBox* m_format;
    bool m_overwrite = false;
};

} // namespace layerscope::ui
