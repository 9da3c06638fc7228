// SPDX-License-Identifier: Apache-2.0
#include "newbaselayerdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QToolButton>

namespace layerscope::ui {

using baselayer::OutputFormat;

namespace {

constexpr OutputFormat kFormats[]
    = {OutputFormat::TarGz, OutputFormat::Tar, OutputFormat::TarZst, OutputFormat::Oci, OutputFormat::DockerArchive};

} // namespace

NewBaseLayerDialog::NewBaseLayerDialog(bool fromFolder, QWidget* parent)
    : QDialog(parent)
    , m_fromFolder(fromFolder)
    , m_format(new QComboBox(this))
    , m_output(new QLineEdit(this))
    , m_folder(new QLineEdit(this))
    , m_utilityVm(new QCheckBox(tr("Include a &UtilityVM (with a BCD store)"), this))
    , m_osVersion(new QLineEdit(this))
    , m_architecture(new QLineEdit(QStringLiteral("amd64"), this))
    , m_tag(new QLineEdit(this))
{
    setWindowTitle(fromFolder ? tr("New Base Layer from Folder") : tr("New Empty Base Layer"));
    setObjectName(QStringLiteral("newBaseLayerDialog"));

    m_format->addItem(tr("Layer tar, gzip (.tar.gz)"));
    m_format->addItem(tr("Layer tar (.tar)"));
    m_format->addItem(tr("Layer tar, zstd (.tar.zst)"));
    m_format->addItem(tr("OCI image layout (folder)"));
    m_format->addItem(tr("Docker archive (docker load)"));
    connect(m_format, &QComboBox::currentIndexChanged, this, &NewBaseLayerDialog::formatChanged);

    m_output->setText(
        QDir::home().filePath(fromFolder ? QStringLiteral("folder-base.tar.gz") : QStringLiteral("empty-base.tar.gz")));
    m_output->setObjectName(QStringLiteral("output"));
    auto* browseOutput = new QToolButton(this);
    browseOutput->setText(QStringLiteral("…"));
    connect(browseOutput, &QToolButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save Base Layer As"), m_output->text(), {}, nullptr,
                                                          QFileDialog::DontConfirmOverwrite);
        if (!path.isEmpty())
            m_output->setText(path);
    });
    auto* outputRow = new QHBoxLayout;
    outputRow->addWidget(m_output, 1);
    outputRow->addWidget(browseOutput);

    // The folder row exists only in "from folder" mode: a layout nobody adopts would leak, and widgets outside
    // every layout would still be shown, piled up in the dialog's corner.
    QHBoxLayout* folderRow = nullptr;
    if (fromFolder) {
        folderRow = new QHBoxLayout;
        auto* browseFolder = new QToolButton(this);
        browseFolder->setText(QStringLiteral("…"));
        connect(browseFolder, &QToolButton::clicked, this, [this] {
            const QString path
                = QFileDialog::getExistingDirectory(this, tr("Folder to Turn into Files/"), m_folder->text());
            if (!path.isEmpty())
                m_folder->setText(path);
        });
        folderRow->addWidget(m_folder, 1);
        folderRow->addWidget(browseFolder);
        m_folder->setPlaceholderText(tr("its contents become the layer's Files/"));
    } else {
        m_folder->hide();
    }

    m_osVersion->setPlaceholderText(tr("empty: any Windows host (e.g. 10.0.20348.1)"));
    m_tag->setPlaceholderText(tr("e.g. example/base:1 (images only)"));
    m_tag->setText(QStringLiteral("layerscope/base:latest"));

    auto* form = new QFormLayout;
    if (fromFolder)
        form->addRow(tr("&Folder:"), folderRow);
    form->addRow(tr("F&ormat:"), m_format);
    form->addRow(tr("&Save as:"), outputRow);
    form->addRow(QString(), m_utilityVm);
    form->addRow(tr("os.&version:"), m_osVersion);
    form->addRow(tr("&Architecture:"), m_architecture);
    form->addRow(tr("&Tag:"), m_tag);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Create"));
    connect(buttons, &QDialogButtonBox::accepted, this, &NewBaseLayerDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &NewBaseLayerDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    formatChanged();
}

QString NewBaseLayerDialog::extensionOf(OutputFormat format)
{
    switch (format) {
    case OutputFormat::Tar:
        return QStringLiteral(".tar");
    case OutputFormat::TarGz:
        return QStringLiteral(".tar.gz");
    case OutputFormat::TarZst:
        return QStringLiteral(".tar.zst");
    case OutputFormat::Oci:
        return QStringLiteral("-oci");
    case OutputFormat::DockerArchive:
        return QStringLiteral("-docker.tar");
    }
    return {};
}

void NewBaseLayerDialog::formatChanged()
{
    // Keep the file name's ending in step with the format, so that the default stays right.
    QString path = m_output->text();
    for (const auto format : kFormats) {
        const QString ext = extensionOf(format);
        if (path.endsWith(ext)) {
            path.chop(ext.size());
            break;
        }
    }
    const auto format = kFormats[std::max(0, m_format->currentIndex())];
    m_output->setText(path + extensionOf(format));
    const bool image = format == OutputFormat::Oci || format == OutputFormat::DockerArchive;
    m_tag->setEnabled(image);
}

NewBaseLayerDialog::Request NewBaseLayerDialog::request() const
{
    Request request;
    if (m_fromFolder)
        request.fromFolder = std::filesystem::path(m_folder->text().toStdWString());
    request.output = std::filesystem::path(m_output->text().toStdWString());
    request.format = kFormats[std::max(0, m_format->currentIndex())];
    request.utilityVm = m_utilityVm->isChecked();
    request.overwrite = m_overwrite;
    request.osVersion = m_osVersion->text().trimmed().toStdString();
    request.architecture = m_architecture->text().trimmed().toStdString();
    request.tag = m_tag->isEnabled() ? m_tag->text().trimmed().toStdString() : std::string();
    return request;
}

void NewBaseLayerDialog::accept()
{
    if (m_fromFolder && !QFileInfo(m_folder->text()).isDir()) {
        QMessageBox::warning(this, windowTitle(), tr("Choose an existing folder."));
        return;
    }
    if (m_output->text().trimmed().isEmpty())
        return;
    // Nothing is overwritten without the user's consent.
    m_overwrite = false;
    if (QFileInfo::exists(m_output->text())) {
        const auto answer
            = QMessageBox::question(this, windowTitle(), tr("%1 exists. Replace it?").arg(m_output->text()));
        if (answer != QMessageBox::Yes)
            return;
        m_overwrite = true;
    }
    QDialog::accept();
}

} // namespace layerscope::ui
