// SPDX-License-Identifier: Apache-2.0
#include "scratchpanel.h"

#include "formatting.h"
#include "icons.h"
#include "taskrunner.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStyle>
#include <QTimer>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace layerscope::ui {

namespace {

const QString kStatusTask = QStringLiteral("scratch-status");
const QString kScratchTask = QStringLiteral("scratch");
// The status re-reads the whole work folder; polling waits at least this long, and longer for big folders.
constexpr int kMinPollMs = 3000;

QString fromPath(const std::filesystem::path& path)
{
    return QString::fromStdWString(path.wstring());
}

std::filesystem::path toPath(const QString& path)
{
    return std::filesystem::path(path.toStdWString());
}

} // namespace

ScratchPanel::ScratchPanel(TaskRunner* runner, QWidget* parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_folder(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_changes(new QTreeWidget(this))
    , m_openFolder(new QPushButton(style()->standardIcon(QStyle::SP_DirOpenIcon), tr("&Open Folder"), this))
    , m_refresh(new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), tr("&Refresh"), this))
    , m_commit(new QPushButton(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("&Commit…"), this))
    , m_discard(new QPushButton(style()->standardIcon(QStyle::SP_TrashIcon), tr("D&iscard"), this))
    , m_poll(new QTimer(this))
{
    setObjectName(QStringLiteral("scratchPanel"));
    m_folder->setObjectName(QStringLiteral("scratchFolder"));
    m_folder->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_folder->setWordWrap(true);
    m_summary->setObjectName(QStringLiteral("scratchSummary"));
    m_changes->setObjectName(QStringLiteral("scratchChanges"));
    m_changes->setHeaderLabels({tr("Change"), tr("Path"), tr("What differs")});
    m_changes->setRootIsDecorated(false);
    m_changes->setUniformRowHeights(true);
    m_changes->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_openFolder->setObjectName(QStringLiteral("scratchOpenFolder"));
    m_commit->setObjectName(QStringLiteral("scratchCommit"));
    m_discard->setObjectName(QStringLiteral("scratchDiscard"));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_openFolder);
    buttons->addWidget(m_refresh);
    buttons->addStretch();
    buttons->addWidget(m_commit);
    buttons->addWidget(m_discard);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_folder);
    layout->addLayout(buttons);
    layout->addWidget(m_summary);
    layout->addWidget(m_changes, 1);

    connect(m_openFolder, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(fromPath(m_workDir))); });
    connect(m_refresh, &QPushButton::clicked, this, &ScratchPanel::refresh);
    connect(m_commit, &QPushButton::clicked, this, &ScratchPanel::chooseAndCommit);
    connect(m_discard, &QPushButton::clicked, this, [this] { discard(false); });
    // Live status: edits happen in other programs (Explorer, an editor), so the folder is re-read now and then.
    m_poll->setSingleShot(true);
    connect(m_poll, &QTimer::timeout, this, &ScratchPanel::refresh);
    setWorkDir({});
}

void ScratchPanel::setWorkDir(const std::filesystem::path& workDir)
{
    m_workDir = workDir;
    m_status = {};
    m_changes->clear();
    m_folder->setText(workDir.empty() ? tr("No scratch layer. Use File ▸ Open Scratch Layer… on an open image.")
                                      : tr("Work folder: <b>%1</b><br>Edit the files there, then commit them as a "
                                           "new layer.")
                                            .arg(fromPath(workDir).toHtmlEscaped()));
    m_summary->clear();
    updateButtons();
}

void ScratchPanel::updateButtons()
{
    const bool busy = m_runner->isRunning(kScratchTask);
    m_openFolder->setEnabled(hasSession());
    m_refresh->setEnabled(hasSession() && !busy);
    m_commit->setEnabled(hasSession() && !busy);
    m_discard->setEnabled(hasSession() && !busy);
}

void ScratchPanel::prepare(const scratch::PrepareRequest& request)
{
    m_poll->stop();
    m_runner->discard(kStatusTask);
    const QString name = QFileInfo(fromPath(request.workDir)).fileName();
    m_runner->run(
        kScratchTask, tr("Preparing scratch layer %1").arg(name), this,
        [request](Progress& progress) {
            std::shared_ptr<scratch::ScratchBackend> backend = scratch::createPortableBackend();
            backend->prepare(request, progress);
            return backend;
        },
        [this, workDir = request.workDir](std::shared_ptr<scratch::ScratchBackend> backend) {
            m_backend = std::move(backend);
            setWorkDir(workDir);
            emit prepared(fromPath(workDir));
            refresh();
        },
        [this, name](const QString& message) {
            updateButtons();
            emit failed(tr("Could not prepare %1").arg(name), message);
        });
    updateButtons();
}

void ScratchPanel::openWorkFolder(const std::filesystem::path& workDir)
{
    try {
        m_backend = scratch::openBackend(workDir);
    } catch (const std::exception& e) {
        emit failed(tr("Not a scratch folder"), QString::fromStdString(e.what()));
        return;
    }
    setWorkDir(workDir);
    refresh();
}

void ScratchPanel::refresh()
{
    m_poll->stop();
    if (!hasSession() || m_runner->isRunning(kScratchTask))
        return;
    const auto backend = m_backend;
    const auto workDir = m_workDir;
    m_statusClock.start();
    m_runner->run(
        kStatusTask, tr("Reading scratch status"), this,
        [backend, workDir](Progress& progress) { return backend->status(workDir, progress); },
        [this, workDir](scratch::ScratchStatus status) {
            if (workDir != m_workDir)
                return;
            showStatus(std::move(status));
            if (isVisible())
                m_poll->start(std::max<qint64>(kMinPollMs, m_statusClock.elapsed() * 4));
        },
        [this](const QString& message) { m_summary->setText(tr("Cannot read the status: %1").arg(message)); });
}

void ScratchPanel::showStatus(scratch::ScratchStatus status)
{
    m_status = std::move(status);
    m_summary->setText(m_status.clean() ? tr("No changes since the folder was prepared.")
                                        : tr("%1 added · %2 removed · %3 modified")
                                              .arg(m_status.added)
                                              .arg(m_status.removed)
                                              .arg(m_status.modified));
    // Keep the row the user looks at: the list is rebuilt, so remember the path.
    const QString current = m_changes->currentItem() ? m_changes->currentItem()->text(1) : QString();
    m_changes->clear();
    QList<QTreeWidgetItem*> items;
    for (const auto& change : m_status.changes) {
        QStringList fields;
        for (const auto& field : change.fields)
            fields << QString::fromStdString(field);
        auto* item = new QTreeWidgetItem({QString::fromLatin1(scratch::changeKindName(change.kind)),
                                          Formatting::fromUtf8(change.path), fields.join(QStringLiteral(", "))});
        item->setToolTip(1, Formatting::entryType(change.type));
        const QColor colour = change.kind == scratch::ChangeKind::Added ? QColor(0x1e, 0x84, 0x49)
            : change.kind == scratch::ChangeKind::Removed               ? QColor(0xc0, 0x39, 0x2b)
                                                                        : QColor(0xb9, 0x77, 0x0e);
        item->setForeground(0, colour);
        items << item;
    }
    m_changes->addTopLevelItems(items);
    if (!current.isEmpty()) {
        const auto found = m_changes->findItems(current, Qt::MatchExactly, 1);
        if (!found.isEmpty())
            m_changes->setCurrentItem(found.first());
    }
    updateButtons();
    emit statusUpdated();
}

void ScratchPanel::chooseAndCommit()
{
    if (!hasSession())
        return;
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Commit Scratch Layer"));
    auto* layerEdit = new QLineEdit(fromPath(m_workDir.parent_path() / (m_workDir.filename().string() + ".tar.gz")));
    auto* layerBrowse = new QPushButton(tr("Browse…"));
    auto* withImage = new QCheckBox(tr("Also write a new image with this layer on top"));
    auto* imageEdit = new QLineEdit(fromPath(m_workDir.parent_path() / (m_workDir.filename().string() + "-image")));
    auto* imageFormat = new QComboBox;
    imageFormat->addItem(tr("OCI image layout (folder)"), int(baselayer::OutputFormat::Oci));
    imageFormat->addItem(tr("Docker archive (docker load)"), int(baselayer::OutputFormat::DockerArchive));
    imageEdit->setEnabled(false);
    imageFormat->setEnabled(false);
    connect(withImage, &QCheckBox::toggled, imageEdit, &QWidget::setEnabled);
    connect(withImage, &QCheckBox::toggled, imageFormat, &QWidget::setEnabled);
    connect(layerBrowse, &QPushButton::clicked, &dialog, [&] {
        const QString path = QFileDialog::getSaveFileName(&dialog, tr("New Layer"), layerEdit->text(),
                                                          tr("Layers (*.tar.gz *.tar.zst *.tar)"));
        if (!path.isEmpty())
            layerEdit->setText(path);
    });
    auto* layerRow = new QHBoxLayout;
    layerRow->addWidget(layerEdit, 1);
    layerRow->addWidget(layerBrowse);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Commit"));
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* form = new QFormLayout(&dialog);
    form->addRow(tr("Layer file:"), layerRow);
    form->addRow(withImage);
    form->addRow(tr("Image:"), imageEdit);
    form->addRow(tr("Image format:"), imageFormat);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted || layerEdit->text().isEmpty())
        return;

    scratch::CommitRequest request;
    request.layerOut = toPath(layerEdit->text());
    if (withImage->isChecked() && !imageEdit->text().isEmpty()) {
        request.imageOut = toPath(imageEdit->text());
        request.imageFormat = baselayer::OutputFormat(imageFormat->currentData().toInt());
    }
    request.createdBy = "LayerScope: Commit Scratch Layer";
    // Existing outputs are replaced only after the user says so here (the text fields do not ask).
    QStringList existing;
    if (QFileInfo::exists(layerEdit->text()))
        existing << layerEdit->text();
    if (request.imageOut && QFileInfo::exists(imageEdit->text()))
        existing << imageEdit->text();
    if (!existing.isEmpty()) {
        if (QMessageBox::question(this, tr("Replace?"),
                                  tr("Replace what is there?\n%1").arg(existing.join(QLatin1Char('\n'))))
            != QMessageBox::Yes)
            return;
        request.overwrite = true;
    }
    commit(request);
}

void ScratchPanel::commit(const scratch::CommitRequest& request)
{
    if (!hasSession())
        return;
    m_poll->stop();
    m_runner->discard(kStatusTask);
    const auto backend = m_backend;
    const auto workDir = m_workDir;
    const QString name = QFileInfo(fromPath(request.layerOut)).fileName();
    m_runner->run(
        kScratchTask, tr("Committing %1").arg(name), this,
        [backend, workDir, request](Progress& progress) { return backend->commit(workDir, request, progress); },
        [this](scratch::CommitResult result) {
            updateButtons();
            showStatus(result.status);
            emit committed(fromPath(result.layer), result.image ? fromPath(*result.image) : QString());
        },
        [this, name](const QString& message) {
            updateButtons();
            emit failed(tr("Could not commit %1").arg(name), message);
        });
    updateButtons();
}

void ScratchPanel::discard(bool confirmed)
{
    if (!hasSession())
        return;
    if (!confirmed
        && QMessageBox::warning(this, tr("Discard Scratch Layer"),
                                tr("Delete the work folder %1 and every change in it?").arg(fromPath(m_workDir)),
                                QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Cancel)
            != QMessageBox::Discard)
        return;
    m_poll->stop();
    m_runner->discard(kStatusTask);
    const auto backend = m_backend;
    const auto workDir = m_workDir;
    m_runner->run(
        kScratchTask, tr("Discarding %1").arg(QFileInfo(fromPath(workDir)).fileName()), this,
        [backend, workDir](Progress& progress) {
            backend->discard(workDir, progress);
            return true;
        },
        [this](bool) {
            m_backend.reset();
            setWorkDir({});
            emit discarded();
        },
        [this](const QString& message) {
            updateButtons();
            emit failed(tr("Could not discard the scratch layer"), message);
        });
    updateButtons();
}

void ScratchPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    refresh();
}

void ScratchPanel::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    m_poll->stop();
}

} // namespace layerscope::ui
