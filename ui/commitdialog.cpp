// SPDX-License-Identifier: Apache-2.0
#include "commitdialog.h"

#include "filedialogs.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>

namespace layerscope::ui {

namespace {

QString fromPath(const std::filesystem::path& path)
{
    return QString::fromStdWString(path.wstring());
}

std::filesystem::path toPath(const QString& path)
{
    return std::filesystem::path(path.toStdWString());
}

} // namespace

CommitDialog::CommitDialog(const std::filesystem::path& workDir, QWidget* parent)
    : QDialog(parent)
    , m_layer(new QLineEdit(fromPath(workDir) + QStringLiteral(".tar.gz"), this))
    , m_withImage(new QCheckBox(tr("Also write a new &image with this layer on top"), this))
    , m_image(new QLineEdit(fromPath(workDir) + QStringLiteral("-image"), this))
    , m_format(new QComboBox(this))
{
    setObjectName(QStringLiteral("commitDialog"));
    setWindowTitle(tr("Commit Scratch Layer"));
    m_layer->setObjectName(QStringLiteral("commitLayer"));
    m_image->setObjectName(QStringLiteral("commitImage"));
    auto* browse = new QPushButton(tr("&Browse…"), this);
    m_format->addItem(tr("OCI image layout (folder)"), int(baselayer::OutputFormat::Oci));
    m_format->addItem(tr("Docker archive (docker load)"), int(baselayer::OutputFormat::DockerArchive));
    m_image->setEnabled(false);
    m_format->setEnabled(false);
    connect(m_withImage, &QCheckBox::toggled, m_image, &QWidget::setEnabled);
    connect(m_withImage, &QCheckBox::toggled, m_format, &QWidget::setEnabled);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("New Layer"), m_layer->text(),
                                                          tr("Layers (*.tar.gz *.tar.zst *.tar)"), nullptr,
                                                          QFileDialog::DontConfirmOverwrite);
        if (!path.isEmpty())
            m_layer->setText(path);
    });
    auto* layerRow = new QHBoxLayout;
    layerRow->addWidget(m_layer, 1);
    layerRow->addWidget(browse);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Commit"));
    connect(buttons, &QDialogButtonBox::accepted, this, &CommitDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &CommitDialog::reject);

    // Labels with buddies, so that their mnemonics work (and show as underlines, not as a literal '&').
    const auto label = [this](const QString& text, QWidget* buddy) {
        auto* l = new QLabel(text, this);
        l->setBuddy(buddy);
        return l;
    };
    auto* form = new QFormLayout(this);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(label(tr("&Layer file:"), m_layer), layerRow);
    form->addRow(m_withImage);
    form->addRow(label(tr("I&mage:"), m_image), m_image);
    form->addRow(label(tr("Image &format:"), m_format), m_format);
    form->addRow(buttons);

    // Wide enough to show the suggested paths whole (the rest of the dialog as laid out, plus the longest path and
    // the edit's frame), within most of the screen.
    const int text = std::max(m_layer->fontMetrics().horizontalAdvance(m_layer->text()),
                              m_image->fontMetrics().horizontalAdvance(m_image->text()));
    const int around = sizeHint().width() - m_layer->sizeHint().width();
    const QScreen* s = parent ? parent->screen() : screen();
    const int limit = s ? s->availableGeometry().width() * 8 / 10 : 1200;
    setMinimumWidth(std::min(std::max(around + text + 24, 560), limit));
}

scratch::CommitRequest CommitDialog::request() const
{
    scratch::CommitRequest request;
    request.layerOut = toPath(m_layer->text().trimmed());
    if (m_withImage->isChecked() && !m_image->text().trimmed().isEmpty()) {
        request.imageOut = toPath(m_image->text().trimmed());
        request.imageFormat = baselayer::OutputFormat(m_format->currentData().toInt());
    }
    request.createdBy = "LayerScope: Commit Scratch Layer";
    request.overwrite = m_overwrite;
    return request;
}

void CommitDialog::accept()
{
    if (m_layer->text().trimmed().isEmpty())
        return;
    // Existing outputs are replaced only after the user says so here (the text fields do not ask).
    QStringList existing;
    if (QFileInfo::exists(m_layer->text().trimmed()))
        existing << m_layer->text().trimmed();
    if (m_withImage->isChecked() && QFileInfo::exists(m_image->text().trimmed()))
        existing << m_image->text().trimmed();
    m_overwrite = false;
    if (!existing.isEmpty()) {
        if (existing.size() == 1) {
            if (!FileDialogs::confirmOverwrite(this, existing.first()))
                return;
        } else if (QMessageBox::question(this, tr("Replace?"),
                                         tr("Replace what is there?\n%1").arg(existing.join(QLatin1Char('\n'))))
                   != QMessageBox::Yes) {
            return;
        }
        m_overwrite = true;
    }
    QDialog::accept();
}

} // namespace layerscope::ui
