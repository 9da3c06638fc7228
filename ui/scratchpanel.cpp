// SPDX-License-Identifier: Apache-2.0
#include "scratchpanel.h"

#include "columnwidths.h"
#include "commitdialog.h"
#include "formatting.h"
#include "icons.h"
#include "taskrunner.h"
#include "theme.h"

#include <QDesktopServices>
#include <QDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
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

} // namespace

ScratchPanel::ScratchPanel(TaskRunner* runner, QWidget* parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_folder(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_changes(new QTreeWidget(this))
    // Mnemonics unique in the whole window: the panel docks beside the Browse and Diff tabs and the menus.
    , m_openFolder(new QPushButton(style()->standardIcon(QStyle::SP_DirOpenIcon), tr("&Open Folder"), this))
    , m_refresh(new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), tr("Refresh Cha&nges"), this))
    , m_commit(new QPushButton(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("Co&mmit…"), this))
    , m_discard(new QPushButton(style()->standardIcon(QStyle::SP_TrashIcon), tr("Discard &Work Folder"), this))
    , m_poll(new QTimer(this))
{
    setObjectName(QStringLiteral("scratchPanel"));
    m_folder->setObjectName(QStringLiteral("scratchFolder"));
    m_folder->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_folder->setWordWrap(true);
    m_summary->setObjectName(QStringLiteral("scratchSummary"));
    m_changes->setObjectName(QStringLiteral("scratchChanges"));
    m_changes->setHeaderLabels({tr("Change"), tr("Name"), tr("Folder"), tr("What differs")});
    m_changes->setRootIsDecorated(false);
    m_changes->setUniformRowHeights(true);
    m_changes->setSortingEnabled(true);
    m_changes->sortByColumn(-1, Qt::AscendingOrder); // walk order (parents first) until the user sorts
    // Paths differ at their ends (WinSxS names share long prefixes): cut them in the middle, never at the end.
    m_changes->setTextElideMode(Qt::ElideMiddle);
    ColumnWidths::manage(m_changes, QStringLiteral("scratchChanges"), {2, 3});
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
    m_committed.reset();
    m_changes->clear();
    m_folder->setText(workDir.empty() ? tr("No scratch layer. Use File ▸ Open Scratch Layer… on an open image.")
                                      : tr("Work folder: <b>%1</b><br>Edit the files there, then commit them as a "
                                           "new layer.")
                                            .arg(fromPath(workDir).toHtmlEscaped()));
    m_summary->clear();
    updateButtons();
}

bool ScratchPanel::isCommitted() const
{
    if (!m_committed)
        return false;
    const auto& a = m_committed->status.changes;
    const auto& b = m_status.changes;
    return a.size() == b.size()
        && std::equal(a.begin(), a.end(), b.begin(),
                      [](const scratch::ScratchChange& x, const scratch::ScratchChange& y) {
                          return x.path == y.path && x.kind == y.kind && x.type == y.type && x.fields == y.fields;
                      });
}

void ScratchPanel::updateButtons()
{
    const bool busy = m_runner->isRunning(kScratchTask);
    m_openFolder->setEnabled(hasSession());
    m_refresh->setEnabled(hasSession() && !busy);
    m_commit->setEnabled(hasSession() && !busy && !isCommitted());
    m_commit->setToolTip(isCommitted() ? tr("These changes are committed; edit files in the work folder to commit "
                                            "again")
                                       : tr("Write the changes as a new layer, and optionally a new image"));
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
    QString summary = m_status.clean()
        ? tr("No changes since the folder was prepared.")
        : tr("%1 added · %2 removed · %3 modified").arg(m_status.added).arg(m_status.removed).arg(m_status.modified);
    if (isCommitted())
        summary += tr(" — committed to <b>%1</b>; edit more files to commit again, or discard the work folder.")
                       .arg(fromPath(m_committed->layer).toHtmlEscaped());
    else if (m_committed)
        summary += tr(" — changed since the commit to %1").arg(fromPath(m_committed->layer).toHtmlEscaped());
    m_summary->setText(summary);
    // Keep the row the user looks at: the list is rebuilt, so remember the path.
    const QString current
        = m_changes->currentItem() ? m_changes->currentItem()->data(1, Qt::UserRole).toString() : QString();
    m_changes->clear();
    QList<QTreeWidgetItem*> items;
    for (const auto& change : m_status.changes) {
        QStringList fields;
        for (const auto& field : change.fields)
            fields << QString::fromStdString(field);
        const QString path = Formatting::fromUtf8(change.path);
        const qsizetype slash = path.lastIndexOf(QLatin1Char('/'));
        auto* item
            = new QTreeWidgetItem({QString::fromLatin1(scratch::changeKindName(change.kind)), path.mid(slash + 1),
                                   slash < 0 ? QString() : path.left(slash), fields.join(QStringLiteral(", "))});
        item->setData(1, Qt::UserRole, path);
        for (int c = 1; c <= 2; ++c)
            item->setToolTip(c, tr("%1\n%2").arg(path, Formatting::entryType(change.type)));
        item->setForeground(0,
                            Theme::color(change.kind == scratch::ChangeKind::Added         ? Theme::Added
                                             : change.kind == scratch::ChangeKind::Removed ? Theme::Removed
                                                                                           : Theme::Changed));
        items << item;
    }
    m_changes->addTopLevelItems(items);
    for (int i = 0; !current.isEmpty() && i < m_changes->topLevelItemCount(); ++i)
        if (m_changes->topLevelItem(i)->data(1, Qt::UserRole).toString() == current)
            m_changes->setCurrentItem(m_changes->topLevelItem(i));
    if (!items.isEmpty())
        ColumnWidths::fit(m_changes);
    updateButtons();
    emit statusUpdated();
}

void ScratchPanel::chooseAndCommit()
{
    if (!hasSession())
        return;
    CommitDialog dialog(m_workDir, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    commit(dialog.request());
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
            // The work folder keeps the committed edits; offering Commit again would only write the same layer,
            // so Commit waits for the next edit (showStatus compares with what was committed).
            m_committed = result;
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
