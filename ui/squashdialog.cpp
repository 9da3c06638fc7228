// SPDX-License-Identifier: Apache-2.0
#include "squashdialog.h"

#include "filedialogs.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>

namespace layerscope::ui {

using baselayer::OutputFormat;

namespace {

struct FormatChoice
{
    OutputFormat format;
    const char* suffix; // appended to the source's name for the default output
};
constexpr FormatChoice kFormats[] = {
    {OutputFormat::Oci, "-squashed-oci"},
    {OutputFormat::DockerArchive, "-squashed-docker.tar"},
    {OutputFormat::TarGz, "-squashed-layer.tar.gz"},
};

} // namespace

SquashDialog::SquashDialog(const QString& source, int layers, int first, int last, QWidget* parent)
    : QDialog(parent)
    , m_source(source)
    , m_first(new QSpinBox(this))
    , m_last(new QSpinBox(this))
    , m_format(new QComboBox(this))
    , m_output(new QLineEdit(this))
{
    setWindowTitle(tr("Squash Layers"));
    setObjectName(QStringLiteral("squashDialog"));

    m_first->setRange(0, std::max(0, layers - 1));
    m_last->setRange(0, std::max(0, layers - 1));
    m_first->setValue(first);
    m_last->setValue(last);
    // The range cannot turn over: each box is the other's bound.
    connect(m_first, &QSpinBox::valueChanged, this, [this](int v) {
        if (m_last->value() < v)
            m_last->setValue(v);
    });
    connect(m_last, &QSpinBox::valueChanged, this, [this](int v) {
        if (m_first->value() > v)
            m_first->setValue(v);
    });

    m_format->addItem(tr("OCI image layout (folder)"));
    m_format->addItem(tr("Docker archive (docker load)"));
    m_format->addItem(tr("The squashed layer alone (.tar.gz)"));
    connect(m_format, &QComboBox::currentIndexChanged, this, &SquashDialog::formatChanged);

    const QFileInfo info(source);
    QString base = info.fileName();
    for (const char* ext : {".tar.gz", ".tar", ".tgz"})
        if (base.endsWith(QLatin1String(ext)))
            base.chop(int(qstrlen(ext)));
    m_output->setText(info.dir().filePath(base + QLatin1String(kFormats[0].suffix)));
    m_output->setObjectName(QStringLiteral("output"));
    auto* browse = new QToolButton(this);
    browse->setText(QStringLiteral("…"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save Squashed Image As"), m_output->text(), {},
                                                          nullptr, QFileDialog::DontConfirmOverwrite);
        if (!path.isEmpty())
            m_output->setText(path);
    });
    auto* outputRow = new QHBoxLayout;
    outputRow->addWidget(m_output, 1);
    outputRow->addWidget(browse);
    auto* rangeRow = new QHBoxLayout;
    rangeRow->addWidget(m_first);
    rangeRow->addWidget(new QLabel(QStringLiteral(".."), this));
    rangeRow->addWidget(m_last);
    rangeRow->addStretch(1);

    const auto label = [this](const QString& text, QWidget* buddy) {
        auto* l = new QLabel(text, this);
        l->setBuddy(buddy);
        return l;
    };
    auto* note = new QLabel(tr("Layer 0 is the base. Squashing from 0 makes one base layer with the registry "
                               "deltas applied; from higher up, one delta layer. The merged view stays the same."),
                            this);
    note->setWordWrap(true);
    auto* form = new QFormLayout;
    form->addRow(label(tr("&Layers:"), m_first), rangeRow);
    form->addRow(label(tr("F&ormat:"), m_format), m_format);
    form->addRow(label(tr("&Save as:"), m_output), outputRow);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("S&quash"));
    connect(buttons, &QDialogButtonBox::accepted, this, &SquashDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SquashDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(note);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

void SquashDialog::formatChanged()
{
    // Keep the default name's ending in step with the format.
    QString path = m_output->text();
    for (const FormatChoice& choice : kFormats)
        if (path.endsWith(QLatin1String(choice.suffix))) {
            path.chop(int(qstrlen(choice.suffix)));
            m_output->setText(path + QLatin1String(kFormats[m_format->currentIndex()].suffix));
            return;
        }
}

SquashDialog::Request SquashDialog::request() const
{
    Request r;
    r.source = std::filesystem::path(m_source.toStdWString());
    r.first = size_t(m_first->value());
    r.last = size_t(m_last->value());
    r.format = kFormats[std::max(0, m_format->currentIndex())].format;
    r.output = std::filesystem::path(m_output->text().toStdWString());
    r.overwrite = m_overwrite;
    return r;
}

void SquashDialog::accept()
{
    const QString path = m_output->text();
    if (path.isEmpty())
        return;
    if (QFileInfo::exists(path)) {
        if (!FileDialogs::confirmOverwrite(this, path))
            return;
        m_overwrite = true;
    }
    QDialog::accept();
}

} // namespace layerscope::ui
