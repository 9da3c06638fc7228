// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "baselayer/imagepackager.h"

#include <QDialog>

#include <filesystem>

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace layerscope::ui {

// "Squash Layers…": the range (preset from the chain pane's selection), the output format and where to write it —
// the choices `layerscope-cli squash` offers, with an OCI layout beside the source as the default.
class SquashDialog : public QDialog
{
    Q_OBJECT
public:
    struct Request
    {
        std::filesystem::path source;
        size_t first = 1;
        size_t last = 1;
        baselayer::OutputFormat format = baselayer::OutputFormat::Oci;
        std::filesystem::path output;
        bool overwrite = false; // the user agreed to replace an existing output
    };

    // `layers` is the chain's length; first..last the range to offer.
    SquashDialog(const QString& source, int layers, int first, int last, QWidget* parent = nullptr);

    Request request() const;

    QSpinBox* firstBox() const { return m_first; }
    QSpinBox* lastBox() const { return m_last; }
    QComboBox* formatBox() const { return m_format; }
    QLineEdit* outputEdit() const { return m_output; }

    void accept() override;

private:
    void formatChanged();

    QString m_source;
    QSpinBox* m_first;
    QSpinBox* m_last;
    QComboBox* m_format;
    QLineEdit* m_output;
    bool m_overwrite = false;
};

} // namespace layerscope::ui
