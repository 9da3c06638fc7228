// SPDX-License-Identifier: Apache-2.0
#include "mainwindow.h"

#include "baselayer/baselayerbuilder.h"
#include "baselayer/sampleimage.h"
#include "chainmodel.h"
#include "chainpane.h"
#include "common/error.h"
#include "common/versions.h"
#include "detailspane.h"
#include "diffmodel.h"
#include "diffpane.h"
#include "formatting.h"
#include "hivebrowser.h"
#include "icons.h"
#include "io/atomicfile.h"
#include "layertreemodel.h"
#include "scratchpanel.h"
#include "sourceloader.h"
#include "taskprogresswidget.h"
#include "taskrunner.h"
#include "treepane.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QTreeWidget>

namespace layerscope::ui {

namespace {

constexpr int kMaxRecentFiles = 10;
const QString kRecentKey = QStringLiteral("recentFiles");
const QString kOpenTask = QStringLiteral("open");

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_runner(new TaskRunner(this))
    , m_progress(new TaskProgressWidget(m_runner, this))
    , m_modes(new QTabWidget(this))
    , m_browseSplitter(new QSplitter(Qt::Horizontal, this))
    , m_leftSplitter(new QSplitter(Qt::Vertical, this))
    , m_chain(new ChainPane(this))
    , m_tree(new TreePane(m_runner, this))
    , m_details(new DetailsPane(this))
    , m_diff(new DiffPane(m_runner, this))
    , m_scratch(new ScratchPanel(m_runner, this))
    , m_scratchDock(new QDockWidget(tr("Scratch Layer"), this))
{
    setWindowTitle(QStringLiteral("LayerScope"));
    setWindowIcon(Icons::get(Icons::App));
    setAcceptDrops(true);
    setObjectName(QStringLiteral("mainWindow"));

    m_leftSplitter->setObjectName(QStringLiteral("leftSplitter"));
    m_leftSplitter->addWidget(m_chain);
    m_leftSplitter->addWidget(m_tree);
    m_leftSplitter->setStretchFactor(1, 3);
    m_browseSplitter->setObjectName(QStringLiteral("browseSplitter"));
    m_browseSplitter->addWidget(m_leftSplitter);
    m_browseSplitter->addWidget(m_details);
    m_browseSplitter->setStretchFactor(0, 3);
    m_browseSplitter->setStretchFactor(1, 2);

    m_modes->setObjectName(QStringLiteral("modeTabs"));
    m_modes->setDocumentMode(true);
    m_modes->addTab(m_browseSplitter, tr("&Browse"));
    m_modes->addTab(m_diff, Icons::get(Icons::Compare), tr("&Diff"));
    connect(m_diff, &DiffPane::failed, this, &MainWindow::showError);
    connect(m_tree, &TreePane::compareWithRequested, this, &MainWindow::compareCurrentWith);
    connect(m_tree, &TreePane::exportRequested, this, &MainWindow::chooseAndExport);
    setCentralWidget(m_modes);

    // The scratch layer is edited alongside browsing and diffing, so it docks rather than taking a tab.
    m_scratchDock->setObjectName(QStringLiteral("scratchDock"));
    m_scratchDock->setWidget(m_scratch);
    addDockWidget(Qt::BottomDockWidgetArea, m_scratchDock);
    m_scratchDock->hide();
    connect(m_scratch, &ScratchPanel::failed, this, &MainWindow::showError);
    connect(m_scratch, &ScratchPanel::committed, this, [this](const QString& layer, const QString& image) {
        statusBar()->showMessage(tr("Committed %1").arg(layer), 10000);
        // Show what was written: the new image when there is one (its chain ends in the new layer), else the layer.
        openPath(image.isEmpty() ? layer : image);
    });

    statusBar()->addPermanentWidget(m_progress);
    connect(m_runner, &TaskRunner::failed, this, &MainWindow::showError);
    connect(m_runner, &TaskRunner::cancelled, this,
            [this](const QString& title) { statusBar()->showMessage(tr("Cancelled: %1").arg(title), 5000); });

    connect(m_chain, &ChainPane::layerSelected, this, &MainWindow::showLayer);
    connect(m_tree, &TreePane::currentEntryChanged, this, &MainWindow::entrySelected);
    connect(m_details, &DetailsPane::hiveRequested, this, &MainWindow::readEntryAsHive);
    connect(m_tree, &TreePane::showDetailsRequested, this, [this] {
        m_details->tabs()->setCurrentIndex(DetailsPane::EntryTab);
        m_details->fields()->setFocus();
    });

    createActions();
    restoreSettings();
    statusBar()->showMessage(tr("Open a layer or an image (Ctrl+O), or drop one on the window."));
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    QStyle* st = style();
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QToolBar* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);

    auto* open = file->addAction(st->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open…"), this,
                                 [this] { chooseAndOpen(false); });
    open->setShortcut(QKeySequence::Open);
    open->setObjectName(QStringLiteral("actionOpen"));
    open->setToolTip(tr("Open a layer blob (tar, tar.gz, tar.zst), an OCI archive or a docker save archive"));
    toolbar->addAction(open);

    auto* openFolder = file->addAction(st->standardIcon(QStyle::SP_DirOpenIcon), tr("Open &Folder…"), this,
                                       [this] { chooseAndOpen(true); });
    openFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));

    m_recentMenu = file->addMenu(tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);

    auto* sample = file->addAction(tr("Open &Sample"), this, &MainWindow::openSample);
    sample->setObjectName(QStringLiteral("actionOpenSample"));

    file->addAction(tr("Open &Hive File…"), this, &MainWindow::chooseAndOpenHive);
    file->addSeparator();

    m_openScratch = file->addAction(tr("Open Scratch &Layer…"), this, &MainWindow::chooseAndOpenScratchLayer);
    m_openScratch->setObjectName(QStringLiteral("actionOpenScratchLayer"));
    m_openScratch->setToolTip(tr("Edit files over the layer shown (or the whole chain) in a work folder, then "
                                 "commit the changes as a new layer"));
    m_openScratch->setEnabled(false);
    file->addAction(tr("Open Scratch F&older…"), this, &MainWindow::chooseAndOpenScratchFolder);
    m_chain->view()->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_chain->view()->addAction(m_openScratch);
    file->addSeparator();

    auto* compare = file->addAction(Icons::get(Icons::Compare), tr("&Compare…"), this, &MainWindow::compareCurrentWith);
    compare->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    compare->setObjectName(QStringLiteral("actionCompare"));
    compare->setToolTip(tr("Compare what is shown (or any tree) with another layer, image or folder"));
    toolbar->addAction(compare);

    auto* saveReport = file->addAction(st->standardIcon(QStyle::SP_DialogSaveButton), tr("&Save Diff Report…"), m_diff,
                                       &DiffPane::chooseAndSaveReport);
    saveReport->setShortcut(QKeySequence::Save);
    toolbar->addAction(saveReport);
    file->addSeparator();

    auto* newBase = file->addAction(Icons::get(Icons::NewBase), tr("&New Empty Base Layer…"), this,
                                    [this] { showNewBaseLayerDialog(false); });
    newBase->setShortcut(QKeySequence::New);
    newBase->setObjectName(QStringLiteral("actionNewBaseLayer"));
    newBase->setToolTip(tr("Create an empty Windows base layer (FROM scratch) that Windows accepts"));
    toolbar->insertAction(toolbar->actions().value(1), newBase);
    auto* newFromFolder
        = file->addAction(tr("New Base Layer from &Folder…"), this, [this] { showNewBaseLayerDialog(true); });
    newFromFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    file->addSeparator();

    auto* reload = file->addAction(st->standardIcon(QStyle::SP_BrowserReload), tr("&Reload"), this, [this] {
        if (m_source)
            openPath(m_source->path);
    });
    reload->setShortcut(QKeySequence::Refresh);

    auto* close = file->addAction(tr("&Close"), this, [this] { setSource(nullptr); });
    close->setShortcut(QKeySequence::Close);
    file->addSeparator();

    auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_scratchDock->toggleViewAction());
    auto* browse = view->addAction(tr("&Browse"), this, [this] { m_modes->setCurrentIndex(0); });
    browse->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    auto* diffView = view->addAction(tr("&Diff"), this, [this] { m_modes->setCurrentWidget(m_diff); });
    diffView->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    auto* merged = view->addAction(tr("&Merged View"), this, [this] { m_chain->selectLayer(-1); });
    merged->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    auto* about = help->addAction(tr("&About LayerScope"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::chooseAndOpen(bool folder)
{
    QSettings settings;
    const QString start = settings.value(QStringLiteral("lastDirectory"), QDir::homePath()).toString();
    const QString path = folder
        ? QFileDialog::getExistingDirectory(this, tr("Open Image Folder or Layer Folder"), start)
        : QFileDialog::getOpenFileName(this, tr("Open Layer or Image"), start,
                                       tr("Layers and images (*.tar *.tar.gz *.tgz *.tar.zst *.tar.xz *.gz *.zst);;"
                                          "All files (*)"));
    if (path.isEmpty())
        return;
    settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(path).absolutePath());
    openPath(path);
}

void MainWindow::openPath(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const QString name = QFileInfo(absolute).fileName();
    statusBar()->showMessage(tr("Opening %1…").arg(name));
    m_runner->run(
        kOpenTask, tr("Opening %1").arg(name), this,
        [absolute](Progress& progress) { return SourceLoader::load(absolute, progress); },
        [this, absolute](LoadedSource source) {
            setSource(std::make_shared<const LoadedSource>(std::move(source)));
            addRecentFile(absolute);
            statusBar()->showMessage(tr("Opened %1").arg(absolute), 5000);
            QStringList errors;
            for (const auto& finding : m_source->findings)
                if (finding.rfind("error", 0) == 0)
                    errors << QString::fromStdString(finding);
            if (!errors.isEmpty())
                showError(tr("%1 has problems").arg(QFileInfo(absolute).fileName()), errors.join(QLatin1Char('\n')));
            emit sourceOpened(absolute);
        },
        [this, name](const QString& message) { showError(tr("Could not open %1").arg(name), message); });
}

void MainWindow::openSample()
{
    // A fresh folder per sample, kept until the window goes (the open image and the diff read from it).
    auto dir = std::make_shared<QTemporaryDir>();
    if (!dir->isValid()) {
        showError(tr("Could not create the sample"), dir->errorString());
        return;
    }
    const std::filesystem::path folder(dir->path().toStdWString());
    m_runner->run(
        QStringLiteral("sample"), tr("Generating the sample image"), this,
        [folder](Progress& progress) { return baselayer::writeSampleImage(folder, progress); },
        [this, dir](baselayer::SampleImage sample) {
            m_sampleDir = dir;
            const QString image = QString::fromStdWString(sample.image.wstring());
            const QString base = QString::fromStdWString(sample.base.wstring());
            const QString reexport = QString::fromStdWString(sample.reexport.wstring());
            emit sampleCreated(image, base, reexport);
            openPath(image);
            // The round-trip pair waits in the Diff tab: one click (Ctrl+2) away, already compared.
            m_diff->compare(base, reexport);
        },
        [this](const QString& message) { showError(tr("Could not create the sample"), message); });
}

void MainWindow::showNewBaseLayerDialog(bool fromFolder)
{
    NewBaseLayerDialog dialog(fromFolder, this);
    if (dialog.exec() == QDialog::Accepted)
        createBaseLayer(dialog.request());
}

void MainWindow::createBaseLayer(const NewBaseLayerDialog::Request& request)
{
    const QString output = QString::fromStdWString(request.output.wstring());
    const QString name = QFileInfo(output).fileName();
    m_runner->run(
        QStringLiteral("build"), tr("Creating %1").arg(name), this,
        [request](Progress& progress) {
            baselayer::BaseLayerOptions options;
            options.fromFolder = request.fromFolder;
            options.utilityVm = request.utilityVm;
            // Planning validates everything (names, existing hives) before a byte is written.
            const baselayer::BaseLayerBuilder builder(options);
            baselayer::PackageOptions package;
            package.format = request.format;
            package.architecture = request.architecture.empty() ? "amd64" : request.architecture;
            package.osVersion = request.osVersion;
            package.tag = request.tag;
            package.createdBy = "LayerScope: New Base Layer";
            package.overwrite = request.overwrite;
            package.progress = &progress;
            return baselayer::packageLayer([&](io::ByteSink& tar) { builder.write(tar, progress); }, request.output,
                                           package);
        },
        [this, output](baselayer::PackageResult result) {
            const QString digest = QString::fromStdString(result.digest);
            emit baseLayerCreated(output, digest);
            // Show it, then say what it is and whether core's validation is happy with it.
            auto connection = std::make_shared<QMetaObject::Connection>();
            *connection = connect(this, &MainWindow::sourceOpened, this, [this, connection, result](const QString&) {
                disconnect(*connection);
                QStringList problems;
                for (const auto& finding : m_source->findings)
                    problems << QString::fromStdString(finding);
                for (const auto& layer : m_source->layers)
                    for (const auto& problem : layer.problems)
                        problems << QString::fromStdString(problem.path + ": " + problem.message);
                const QString layout
                    = m_source->layers.empty() ? QString() : QString::fromStdString(m_source->layers.front().layout);
                const QString text
                    = tr("<p>Created <b>%1</b> (%2).</p><p>layer digest: <tt>%3</tt><br>diff_id: <tt>%4</tt>%5</p>"
                         "<p>Validation: %6</p>")
                          .arg(QString::fromStdWString(result.output.wstring()).toHtmlEscaped(),
                               QString::fromLatin1(baselayer::formatName(result.format)),
                               QString::fromStdString(result.digest), QString::fromStdString(result.diffId),
                               result.manifestDigest.empty() ? QString()
                                                             : tr("<br>image digest: <tt>%1</tt>")
                                                                   .arg(QString::fromStdString(result.manifestDigest)),
                               problems.isEmpty() ? tr("<b style='color:#1e8449'>%1, no problems</b>").arg(layout)
                                                  : problems.join(QStringLiteral("<br>")).toHtmlEscaped());
                auto* box
                    = new QMessageBox(QMessageBox::Information, tr("Base Layer Created"), text, QMessageBox::Ok, this);
                box->setObjectName(QStringLiteral("baseLayerCreatedDialog"));
                box->setTextInteractionFlags(Qt::TextSelectableByMouse);
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
            });
            openPath(output);
        },
        [this, name](const QString& message) { showError(tr("Could not create %1").arg(name), message); });
}

void MainWindow::compare(const QString& a, const QString& b)
{
    m_modes->setCurrentWidget(m_diff);
    m_diff->compare(a, b);
}

QString MainWindow::currentTreeSpec() const
{
    if (!m_source)
        return {};
    if (m_shownLayer < 0 || m_source->layers.size() == 1)
        return m_source->path;
    return QStringLiteral("%1@%2").arg(m_source->path).arg(m_shownLayer);
}

void MainWindow::compareCurrentWith()
{
    m_modes->setCurrentWidget(m_diff);
    const QString a = currentTreeSpec();
    if (a.isEmpty())
        return; // the user fills both sides in the Diff tab
    m_diff->setSideA(a);
    const QString b
        = QFileDialog::getOpenFileName(this, tr("Compare %1 With").arg(QFileInfo(m_source->path).fileName()),
                                       QFileInfo(m_source->path).absolutePath());
    if (!b.isEmpty())
        m_diff->compare(a, b);
}

bool MainWindow::selectEntry(const QString& path)
{
    return m_tree->selectPath(path);
}

void MainWindow::chooseAndOpenHive()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Registry Hive"), QDir::homePath());
    if (!path.isEmpty())
        openHiveFile(path);
}

void MainWindow::openHiveFile(const QString& path)
{
    const QString name = QFileInfo(path).fileName();
    m_runner->run(
        QStringLiteral("hive"), tr("Reading hive %1").arg(name), this,
        [path](Progress&) {
            return std::make_shared<const hive::HiveReader>(hive::HiveReader::fromFile(path.toStdWString()));
        },
        [this, name](std::shared_ptr<const hive::HiveReader> hive) {
            m_modes->setCurrentIndex(0);
            m_details->showHive(std::move(hive), name);
        },
        [this, name](const QString& message) { showError(tr("Could not read hive %1").arg(name), message); });
}

EntryReader MainWindow::entryReader(const index::TreeIndex& tree, index::NodeId node) const
{
    const auto* record = tree.record(node);
    // In the merged view a record is the one of the layer that last set the path, with its position in that tar.
    const int position = record && m_tree->model()->isMerged() ? int(record->layer) : m_shownLayer;
    return EntryReader::forEntry(m_source, tree, node, position);
}

void MainWindow::entrySelected(std::shared_ptr<const index::TreeIndex> tree, index::NodeId node)
{
    m_entryTree = tree;
    m_entryNode = node;
    m_details->showEntry(tree, node, m_tree->model()->isMerged());
    m_runner->discard(QStringLiteral("preview"));
    const auto* record = tree ? tree->record(node) : nullptr;
    if (!record)
        return;
    const EntryReader reader = entryReader(*tree, node);
    m_details->setHiveAvailable(reader.isValid(), reader.reason());
    if (!reader.isValid()) {
        m_details->showPreviewMessage(reader.reason());
        return;
    }
    const uint64_t size = record->size;
    m_runner->run(
        QStringLiteral("preview"), tr("Reading %1").arg(Formatting::fromUtf8(tree->name(node))), this,
        [reader](Progress& progress) { return reader.read(4096, progress); },
        [this, size, tree, node](std::vector<uint8_t> bytes) {
            if (tree == m_entryTree && node == m_entryNode)
                m_details->showPreview(bytes, size);
        },
        [this](const QString& message) { m_details->showPreviewMessage(tr("Cannot read the data: %1").arg(message)); });
}

void MainWindow::readEntryAsHive()
{
    if (!m_entryTree)
        return;
    const EntryReader reader = entryReader(*m_entryTree, m_entryNode);
    if (!reader.isValid())
        return;
    const QString name = QString::fromStdString(m_entryTree->path(m_entryNode));
    m_runner->run(
        QStringLiteral("hive"), tr("Reading hive %1").arg(name), this,
        [reader, name](Progress& progress) {
            auto bytes = reader.read(hive::HiveReader::kMaxHiveSize + 1, progress);
            if (bytes.size() > hive::HiveReader::kMaxHiveSize)
                throw Error(Error::Where {{}, {}, name.toStdString(), {}},
                            "hive is larger than the 512 MiB LayerScope reads");
            return std::make_shared<const hive::HiveReader>(bytes);
        },
        [this, name](std::shared_ptr<const hive::HiveReader> hive) { m_details->showHive(std::move(hive), name); },
        [this, name](const QString& message) { showError(tr("Could not read %1 as a hive").arg(name), message); });
}

void MainWindow::chooseAndExport(const QString& entryPath)
{
    const auto tree = m_tree->model()->tree();
    const index::NodeId node = tree ? tree->find(entryPath.toStdString()) : index::InvalidNode;
    if (node == index::InvalidNode)
        return;
    const EntryReader reader = entryReader(*tree, node);
    if (!reader.isValid()) {
        showError(tr("Cannot export %1").arg(entryPath), reader.reason());
        return;
    }
    QSettings settings;
    const QString start = settings.value(QStringLiteral("exportDirectory"), QDir::homePath()).toString();
    // An alternate data stream "file:stream" gets a name every file system takes.
    QString name = Formatting::fromUtf8(tree->name(node));
    name.replace(QLatin1Char(':'), QLatin1Char('_'));
    // QFileDialog asks before replacing an existing file, so what it returns may be overwritten.
    const QString target
        = QFileDialog::getSaveFileName(this, tr("Export %1").arg(entryPath), QDir(start).filePath(name));
    if (target.isEmpty())
        return;
    settings.setValue(QStringLiteral("exportDirectory"), QFileInfo(target).absolutePath());
    exportEntry(entryPath, target, true);
}

void MainWindow::exportEntry(const QString& entryPath, const QString& target, bool overwrite)
{
    const auto tree = m_tree->model()->tree();
    const index::NodeId node = tree ? tree->find(entryPath.toStdString()) : index::InvalidNode;
    const QString name = QFileInfo(target).fileName();
    if (node == index::InvalidNode) {
        showError(tr("Could not export %1").arg(name), tr("No entry %1 in the tree shown.").arg(entryPath));
        return;
    }
    const EntryReader reader = entryReader(*tree, node);
    if (!reader.isValid()) {
        showError(tr("Could not export %1").arg(name), reader.reason());
        return;
    }
    const std::filesystem::path output(target.toStdWString());
    m_runner->run(
        QStringLiteral("export"), tr("Exporting %1").arg(name), this,
        [reader, output, overwrite](Progress& progress) {
            // Written under a temporary name and renamed into place: a cancel or an error leaves nothing behind.
            io::AtomicFile file(output, {.overwrite = overwrite});
            const uint64_t bytes = reader.copyTo(file, progress);
            file.commit();
            return bytes;
        },
        [this, target](uint64_t bytes) {
            statusBar()->showMessage(tr("Exported %1 (%2)").arg(target, Formatting::size(bytes)), 5000);
            emit entryExported(target, bytes);
        },
        [this, name](const QString& message) { showError(tr("Could not export %1").arg(name), message); });
}

void MainWindow::setSource(std::shared_ptr<const LoadedSource> source)
{
    m_source = std::move(source);
    m_details->clear();
    m_tree->clear();
    m_chain->setSource(m_source);
    m_openScratch->setEnabled(m_source != nullptr);
    setWindowFilePath(m_source ? m_source->path : QString());
    setWindowTitle(m_source ? tr("%1 — LayerScope").arg(QFileInfo(m_source->path).fileName())
                            : QStringLiteral("LayerScope"));
    if (!m_source)
        return;
    // A single layer shows its own tree (whiteouts included); an image starts on its merged view.
    m_chain->selectLayer(m_source->layers.size() == 1 ? 0 : -1);
}

void MainWindow::showLayer(int position)
{
    m_shownLayer = position;
    if (!m_source)
        return;
    if (position < 0) {
        m_tree->setTree(m_source->merged, true,
                        tr("<b>Merged view</b> of %n layer(s)", nullptr, int(m_source->layers.size())));
        return;
    }
    const LoadedLayer& layer = m_source->layers.at(size_t(position));
    if (!layer.tree) {
        m_tree->setTree(nullptr, false, tr("Layer %1 is not present (foreign layer without its blob)").arg(position));
        return;
    }
    QString caption = tr("<b>Layer %1</b> · %2 · %3")
                          .arg(position)
                          .arg(layer.digest.empty() ? tr("no digest") : Formatting::shortDigest(layer.digest),
                               QString::fromStdString(layer.layout));
    if (!layer.problems.empty())
        caption += tr(" · <span style='color:#c0392b'>%n problem(s)</span>", nullptr, int(layer.problems.size()));
    m_tree->setTree(layer.tree, false, caption);
}

void MainWindow::showError(const QString& title, const QString& message)
{
    statusBar()->showMessage(title, 10000);
    // Window-modal and non-blocking: the event loop (and any running task) goes on while the dialog is up.
    auto* box = new QMessageBox(QMessageBox::Critical, title, title, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("errorDialog"));
    box->setInformativeText(message);
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    emit errorShown(title, message);
}

QStringList MainWindow::recentFiles() const
{
    return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::addRecentFile(const QString& path)
{
    QStringList files = recentFiles();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    QSettings().setValue(kRecentKey, files);
}

void MainWindow::fillRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = recentFiles();
    for (int i = 0; i < files.size(); ++i) {
        const QString& path = files[i];
        auto* action = m_recentMenu->addAction(QStringLiteral("&%1 %2").arg((i + 1) % 10).arg(path), this,
                                               [this, path] { openPath(path); });
        action->setEnabled(QFileInfo::exists(path));
    }
    if (files.isEmpty()) {
        m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
        return;
    }
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("&Clear List"), this, [] { QSettings().remove(kRecentKey); });
}

QString MainWindow::aboutText()
{
    QString libraries;
    for (const auto& [name, version] : libraryVersions())
        libraries
            += QStringLiteral("<tr><td>%1</td><td>%2</td></tr>")
                   .arg(QString::fromStdString(name).toHtmlEscaped(), QString::fromStdString(version).toHtmlEscaped());
    return tr("<h3>LayerScope %1</h3>"
              "<p>Inspect, diff, build and edit Windows container image layers.</p>"
              "<table><tr><td>Qt</td><td>%2 (built with %3)</td></tr>%4</table>")
        .arg(QStringLiteral(LAYERSCOPE_VERSION), QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR),
             libraries);
}

void MainWindow::chooseAndOpenScratchLayer()
{
    if (!m_source)
        return;
    QSettings settings;
    const QString start = settings.value(QStringLiteral("scratchDirectory"), QDir::homePath()).toString();
    const QString parent = QFileDialog::getExistingDirectory(this, tr("Where to Create the Work Folder"), start);
    if (parent.isEmpty())
        return;
    settings.setValue(QStringLiteral("scratchDirectory"), parent);
    // A new folder (prepare refuses existing ones): "<source>-scratch", numbered when that is taken.
    QString stem = QFileInfo(m_source->path).fileName();
    for (const QString& suffix : {QStringLiteral(".tar.gz"), QStringLiteral(".tar.zst"), QStringLiteral(".tar")})
        if (stem.endsWith(suffix))
            stem.chop(suffix.size());
    QString workDir = QDir(parent).filePath(stem + QStringLiteral("-scratch"));
    for (int n = 2; QFileInfo::exists(workDir); ++n)
        workDir = QDir(parent).filePath(QStringLiteral("%1-scratch-%2").arg(stem).arg(n));
    openScratchLayer(workDir);
}

void MainWindow::openScratchLayer(const QString& workDir)
{
    if (!m_source)
        return;
    scratch::PrepareRequest request;
    request.source = std::filesystem::path(m_source->path.toStdWString());
    if (m_shownLayer >= 0)
        request.upTo = size_t(m_shownLayer);
    request.workDir = std::filesystem::path(workDir.toStdWString());
    m_scratchDock->show();
    m_scratch->prepare(request);
}

void MainWindow::chooseAndOpenScratchFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Scratch Work Folder"), QDir::homePath());
    if (dir.isEmpty())
        return;
    m_scratchDock->show();
    m_scratch->openWorkFolder(std::filesystem::path(dir.toStdWString()));
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About LayerScope"), aboutText());
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1280, 800);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    if (!m_browseSplitter->restoreState(settings.value(QStringLiteral("window/browseSplitter")).toByteArray()))
        m_browseSplitter->setSizes({760, 520});
    if (!m_leftSplitter->restoreState(settings.value(QStringLiteral("window/leftSplitter")).toByteArray()))
        m_leftSplitter->setSizes({180, 620});
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/browseSplitter"), m_browseSplitter->saveState());
    settings.setValue(QStringLiteral("window/leftSplitter"), m_leftSplitter->saveState());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    m_runner->cancelAll();
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const auto urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile())
        return;
    event->acceptProposedAction();
    // Two files dropped together are compared; one is opened.
    if (urls.size() >= 2 && urls[1].isLocalFile())
        compare(urls[0].toLocalFile(), urls[1].toLocalFile());
    else
        openPath(urls.first().toLocalFile());
}

void MainWindow::takeScreenshotsWhenIdle(const ScreenshotPlan& plan)
{
    // One step whenever the task runner is idle: each step may start a task, and the next waits for it.
    auto* poll = new QTimer(this);
    poll->setInterval(100);
    auto step = std::make_shared<int>(0);
    connect(poll, &QTimer::timeout, this, [this, poll, plan, step] {
        if (m_runner->isBusy())
            return;
        switch ((*step)++) {
        case 0:
            if (!plan.hiveEntry.isEmpty() && selectEntry(plan.hiveEntry))
                readEntryAsHive();
            return;
        case 1:
            if (!plan.compareA.isEmpty() && !plan.compareB.isEmpty())
                m_diff->compare(plan.compareA, plan.compareB);
            return;
        case 2:
            if (!plan.selectPath.isEmpty())
                selectEntry(plan.selectPath);
            return;
        default:
            break;
        }
        poll->stop();
        poll->deleteLater();
        QApplication::exit(saveScreenshots(plan) ? 0 : 1);
    });
    poll->start();
}

bool MainWindow::saveScreenshots(const ScreenshotPlan& plan)
{
    const QString& dir = plan.dir;
    QDir().mkpath(dir);
    bool ok = true;
    const auto save = [&](QWidget* widget, const QString& name) {
        QApplication::processEvents();
        ok = widget->grab().save(QDir(dir).filePath(name + QStringLiteral(".png"))) && ok;
    };
    m_modes->setCurrentIndex(0);
    m_details->tabs()->setCurrentIndex(DetailsPane::EntryTab);
    save(this, QStringLiteral("window"));
    save(m_chain, QStringLiteral("chain"));
    save(m_tree, QStringLiteral("tree"));
    save(m_details, QStringLiteral("details"));
    m_details->tabs()->setCurrentIndex(DetailsPane::SecurityTab);
    save(m_details, QStringLiteral("details-security"));
    m_details->tabs()->setCurrentIndex(DetailsPane::PreviewTab);
    save(m_details, QStringLiteral("details-preview"));
    m_details->tabs()->setCurrentIndex(DetailsPane::HiveTab);
    if (!plan.hiveKey.isEmpty())
        m_details->hiveBrowser()->selectKey(plan.hiveKey);
    save(m_details, QStringLiteral("details-hive"));
    m_details->tabs()->setCurrentIndex(DetailsPane::EntryTab);
    if (m_diff->model()->rowCount() > 0) {
        m_modes->setCurrentWidget(m_diff);
        m_diff->selectFirstUnexpected();
        save(this, QStringLiteral("window-diff"));
        save(m_diff, QStringLiteral("diff"));
        m_modes->setCurrentIndex(0);
    }
    return ok;
}

} // namespace layerscope::ui
