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
#include "errordialog.h"
#include "filedialogs.h"
#include "formatting.h"
#include "hivebrowser.h"
#include "icons.h"
#include "image/imagesource.h"
#include "image/mergedregistry.h"
#include "io/atomicfile.h"
#include "io/hashingsink.h"
#include "layertreemodel.h"
#include "mainmenus.h"
#include "readmedialog.h"
#include "recentfiles.h"
#include "scratchpanel.h"
#include "shortcutsdialog.h"
#include "sourceloader.h"
#include "spacepane.h"
#include "squash/squasher.h"
#include "taskprogresswidget.h"
#include "taskrunner.h"
#include "theme.h"
#include "treepane.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QMessageBox>
#include <QMimeData>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTreeView>
#include <QTreeWidget>

#include <algorithm>
#include <numeric>

namespace layerscope::ui {

namespace {

const QString kOpenTask = QStringLiteral("open");
const QString kDiskTask = QStringLiteral("disk");

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
    , m_space(new SpacePane(m_runner, this))
    , m_scratch(new ScratchPanel(m_runner, this))
    , m_scratchDock(new QDockWidget(tr("Scratch Layer"), this))
{
    setWindowIcon(Icons::get(Icons::App));
    setAcceptDrops(true);
    setObjectName(QStringLiteral("mainWindow"));
    if (Theme::saved() != Theme::current())
        Theme::apply(Theme::saved());

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
    m_modes->addTab(m_space, tr("Space"));
    connect(m_space, &SpacePane::showInTreeRequested, this, &MainWindow::showInMergedTree);
    setCentralWidget(m_modes);
    connect(m_modes, &QTabWidget::currentChanged, this, &MainWindow::updateTitle);
    connect(m_diff, &DiffPane::failed, this, &MainWindow::showError);
    connect(m_diff, &DiffPane::stateChanged, this, [this] {
        updateTitle();
        m_menus->update();
    });
    connect(m_diff, &DiffPane::reportSaved, this,
            [this](const QString& path) { statusBar()->showMessage(tr("Saved %1").arg(path), 5000); });
    connect(m_tree, &TreePane::compareWithRequested, this, &MainWindow::compareCurrentWith);
    connect(m_tree, &TreePane::exportRequested, this, &MainWindow::chooseAndExport);
    connect(m_chain, &ChainPane::exportBlobRequested, this, &MainWindow::chooseAndExportLayerBlob);
    connect(m_chain, &ChainPane::openDiskRequested, this, &MainWindow::openPath);
    connect(m_chain, &ChainPane::compareDiskRequested, this, [this](const QString& disk) {
        if (m_source)
            compare(m_source->path + QStringLiteral("@merged"), disk);
    });

    // The scratch layer is edited alongside browsing and diffing, so it docks rather than taking a tab.
    m_scratchDock->setObjectName(QStringLiteral("scratchDock"));
    m_scratchDock->setWidget(m_scratch);
    addDockWidget(Qt::BottomDockWidgetArea, m_scratchDock);
    m_scratchDock->hide();
    connect(m_scratch, &ScratchPanel::failed, this, &MainWindow::showError);
    connect(m_scratch, &ScratchPanel::committed, this, [this](const QString& layer, const QString& image) {
        statusBar()->showMessage(tr("Committed %1").arg(layer), 10000);
        // Show what was written: the new image when there is one, else the layer, on its newest layer (the
        // commit's), in the Browse tab.
        auto connection = std::make_shared<QMetaObject::Connection>();
        *connection = connect(this, &MainWindow::sourceOpened, this, [this, connection](const QString&) {
            disconnect(*connection);
            m_modes->setCurrentIndex(0);
            if (m_source && !m_source->layers.empty())
                m_chain->selectLayer(int(m_source->layers.size()) - 1);
            activateWindow();
        });
        openPath(image.isEmpty() ? layer : image);
    });

    statusBar()->addPermanentWidget(m_progress);
    connect(m_runner, &TaskRunner::failed, this, &MainWindow::showError);
    connect(m_runner, &TaskRunner::cancelled, this,
            [this](const QString& title) { statusBar()->showMessage(tr("Cancelled: %1").arg(title), 5000); });

    connect(m_chain, &ChainPane::layerSelected, this, &MainWindow::showLayer);
    connect(m_chain, &ChainPane::diskSelected, this, &MainWindow::showDisk);
    connect(m_tree, &TreePane::currentEntryChanged, this, &MainWindow::entrySelected);
    connect(m_details, &DetailsPane::hiveRequested, this, &MainWindow::readSelectedAsHive);
    connect(m_tree, &TreePane::showDetailsRequested, this, [this] {
        m_details->tabs()->setCurrentIndex(DetailsPane::EntryTab);
        m_details->fields()->setFocus();
    });

    m_menus = new MainMenus(this);
    restoreSettings();
    updateTitle();
    statusBar()->showMessage(tr("Open a layer or an image (Ctrl+O), or drop one on the window."));
}

MainWindow::~MainWindow() = default;

void MainWindow::chooseAndOpen(bool folder)
{
    const QString path = folder
        ? FileDialogs::openFolder(this, tr("Open Image Folder or Layer Folder"), FileDialogs::Purpose::Open)
        : FileDialogs::openFile(this, tr("Open Layer or Image"), FileDialogs::Purpose::Open);
    if (!path.isEmpty())
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
            RecentFiles::add(absolute);
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

void MainWindow::reload()
{
    if (m_source)
        openPath(m_source->path);
}

void MainWindow::closeSource()
{
    setSource(nullptr);
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
                               problems.isEmpty() ? tr("<b style='color:%1'>%2, no problems</b>")
                                                        .arg(Theme::color(Theme::Success).name(), layout)
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

void MainWindow::compare(const QString& a, const QString& b, const QString& subtree)
{
    m_modes->setCurrentWidget(m_diff);
    m_diff->compare(a, b, subtree);
}

QString MainWindow::currentTreeSpec() const
{
    if (!m_source)
        return {};
    if (m_shownDisk)
        return m_shownDisk->path;
    if (m_shownLayer < 0 || m_source->layers.size() == 1)
        return m_source->path;
    return QStringLiteral("%1@%2").arg(m_source->path).arg(m_shownLayer);
}

void MainWindow::compareCurrentWith(const QString& entryPath)
{
    m_modes->setCurrentWidget(m_diff);
    const QString a = currentTreeSpec();
    if (a.isEmpty())
        return; // the user fills both sides in the Diff tab
    m_diff->setSideA(a);
    m_diff->setSubtree(entryPath);
    const QString what = entryPath.isEmpty() ? QFileInfo(m_source->path).fileName() : entryPath;
    const QString b = FileDialogs::openFile(this, tr("Compare %1 With").arg(what), FileDialogs::Purpose::Compare);
    if (!b.isEmpty())
        m_diff->compare(a, b, entryPath);
}

bool MainWindow::showInMergedTree(const QString& path)
{
    if (!m_source)
        return false;
    m_modes->setCurrentIndex(0);
    m_chain->selectLayer(-1);
    return selectEntry(path);
}

bool MainWindow::selectEntry(const QString& path)
{
    return m_tree->selectPath(path);
}

void MainWindow::chooseAndOpenHive()
{
    const QString path = FileDialogs::openFile(this, tr("Open Registry Hive"), FileDialogs::Purpose::Hive);
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
        [this, path](std::shared_ptr<const hive::HiveReader> hive) {
            m_modes->setCurrentIndex(0);
            m_hiveFile = QFileInfo(path).absoluteFilePath();
            m_details->showHive(std::move(hive), QDir::toNativeSeparators(m_hiveFile), true);
            updateTitle();
        },
        [this, name](const QString& message) { showError(tr("Could not read hive %1").arg(name), message); });
}

void MainWindow::showMergedHive(const QString& hive)
{
    if (!m_source || !m_source->image)
        return;
    struct Merged
    {
        std::shared_ptr<const hive::HiveReader> reader;
        QString caption;
    };
    m_runner->run(
        QStringLiteral("hive"), tr("Merging %1 over the chain").arg(hive), this,
        [image = m_source->image, hive](Progress& progress) {
            const image::MergedHive merged = image::mergeSystemHive(*image, hive.toStdString(), progress);
            QStringList parts;
            for (const std::string& part : merged.parts)
                parts << QString::fromStdString(part);
            return Merged {std::make_shared<const hive::HiveReader>(merged.bytes),
                           tr("%1, merged (derived view): %2").arg(hive, parts.join(QStringLiteral(" + ")))};
        },
        [this](Merged merged) {
            m_modes->setCurrentIndex(0);
            m_details->showHive(std::move(merged.reader), merged.caption);
        },
        [this, hive](const QString& message) { showError(tr("Could not merge %1").arg(hive), message); });
}

EntryReader MainWindow::entryReader(const index::TreeIndex& tree, index::NodeId node) const
{
    const auto* record = tree.record(node);
    // In the merged view a record is the one of the layer that last set the path, with its position in that tar.
    if (m_shownDisk)
        return EntryReader::forEntry(m_shownDisk, tree, node, -1);
    const int position = record && m_tree->model()->isMerged() ? int(record->layer) : m_shownLayer;
    return EntryReader::forEntry(m_source, tree, node, position);
}

void MainWindow::entrySelected(std::shared_ptr<const index::TreeIndex> tree, index::NodeId node)
{
    m_entryTree = tree;
    m_entryNode = node;
    const DetailsPane::Origin origin = m_shownDisk || (m_source && m_source->layers.empty())
        ? DetailsPane::Origin::Volume
        : m_tree->model()->isMerged() ? DetailsPane::Origin::Merged
                                      : DetailsPane::Origin::Layer;
    m_details->showEntry(tree, node, origin, m_tree->model()->folderSizes().get());
    m_runner->discard(QStringLiteral("preview"));
    m_runner->discard(QStringLiteral("digest"));
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
    if (origin == DetailsPane::Origin::Volume && !record->has(index::TreeIndex::Record::HasHash))
        hashVolumeEntry(tree, node, reader);
}

void MainWindow::hashVolumeEntry(const std::shared_ptr<const index::TreeIndex>& tree, index::NodeId node,
                                 const EntryReader& reader)
{
    if (m_digestTree.lock() != tree) {
        m_digestTree = tree;
        m_digests.clear();
    }
    if (const auto known = m_digests.find(node); known != m_digests.end()) {
        m_details->setDigest(known->second);
        return;
    }
    m_details->setDigest(tr("reading the file…"));
    m_runner->run(
        QStringLiteral("digest"), tr("Hashing %1").arg(Formatting::fromUtf8(tree->name(node))), this,
        [reader](Progress& progress) {
            io::HashingSink hashing;
            reader.copyTo(hashing, progress);
            hashing.finish();
            return QString::fromStdString(toHex(hashing.digest()));
        },
        [this, tree, node](QString digest) {
            if (m_digestTree.lock() == tree)
                m_digests[node] = digest;
            if (tree == m_entryTree && node == m_entryNode)
                m_details->setDigest(digest);
        },
        [this, tree, node](const QString& message) {
            if (tree == m_entryTree && node == m_entryNode)
                m_details->setDigest(tr("cannot read the file: %1").arg(message));
        });
}

void MainWindow::readSelectedAsHive()
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
    // An alternate data stream "file:stream" gets a name every file system takes.
    QString name = Formatting::fromUtf8(tree->name(node));
    name.replace(QLatin1Char(':'), QLatin1Char('_'));
    bool overwrite = false;
    const QString target = FileDialogs::saveFile(this, tr("Export %1").arg(entryPath), FileDialogs::Purpose::Export,
                                                 name, {}, nullptr, &overwrite);
    if (!target.isEmpty())
        exportEntry(entryPath, target, overwrite);
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
    writeInBackground(tr("Exporting %1").arg(name), target, overwrite,
                      [reader](io::ByteSink& sink, Progress& progress) { return reader.copyTo(sink, progress); });
}

QString MainWindow::blobFileName(const LoadedLayer& layer)
{
    const auto colon = layer.digest.find(':');
    QString name = QString::fromStdString(colon == std::string::npos ? layer.digest : layer.digest.substr(colon + 1));
    if (name.isEmpty())
        name = QStringLiteral("layer-%1").arg(layer.position);
    const std::string& c = layer.compression;
    if (c == "gzip")
        return name + QStringLiteral(".tar.gz");
    if (c == "zstd")
        return name + QStringLiteral(".tar.zst");
    if (c == "xz")
        return name + QStringLiteral(".tar.xz");
    if (c == "bzip2")
        return name + QStringLiteral(".tar.bz2");
    if (c == "none" || c == "plain" || c.empty())
        return name + QStringLiteral(".tar");
    return name; // as stored: the bytes decide what it is
}

void MainWindow::chooseAndExportLayerBlob(int position)
{
    if (!m_source || position < 0 || position >= int(m_source->layers.size()))
        return;
    bool overwrite = false;
    const QString target
        = FileDialogs::saveFile(this, tr("Export Layer %1 Blob").arg(position), FileDialogs::Purpose::Export,
                                blobFileName(m_source->layers[size_t(position)]), {}, nullptr, &overwrite);
    if (!target.isEmpty())
        exportLayerBlob(position, target, overwrite);
}

void MainWindow::exportLayerBlob(int position, const QString& target, bool overwrite)
{
    const QString name = QFileInfo(target).fileName();
    if (!m_source || !m_source->image || position < 0 || position >= int(m_source->layers.size())
        || !m_source->layers[size_t(position)].present) {
        showError(tr("Could not export %1").arg(name), tr("Layer %1 has no blob to export.").arg(position));
        return;
    }
    const auto source = m_source;
    writeInBackground(tr("Exporting layer %1").arg(position), target, overwrite,
                      [source, position](io::ByteSink& sink, Progress& progress) {
                          // The blob as stored, wherever it lives (a file, a layout's blob, an archive member).
                          const auto blob = source->image->openLayerBlob(size_t(position));
                          std::vector<uint8_t> buffer(size_t(1) << 20);
                          uint64_t done = 0;
                          const uint64_t total = source->layers[size_t(position)].storedSize;
                          while (const size_t n = blob->read(buffer.data(), buffer.size())) {
                              sink.write(buffer.data(), n);
                              done += n;
                              progress.advance(done, total);
                              progress.checkCancelled();
                          }
                          return done;
                      });
}

void MainWindow::writeInBackground(const QString& title, const QString& target, bool overwrite,
                                   std::function<uint64_t(io::ByteSink&, Progress&)> copy)
{
    const std::filesystem::path output(target.toStdWString());
    const QString name = QFileInfo(target).fileName();
    m_runner->run(
        QStringLiteral("export"), title, this,
        [copy, output, overwrite](Progress& progress) {
            // Written under a temporary name and renamed into place: a cancel or an error leaves nothing behind.
            io::AtomicFile file(output, {.overwrite = overwrite});
            const uint64_t bytes = copy(file, progress);
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
    m_runner->discard(kDiskTask);
    m_shownDisk.reset();
    m_wantedDisk.clear();
    m_disks.clear();
    m_hiveFile.clear();
    m_details->clear();
    // A new document starts fresh: no filter or hive of the previous one carries over.
    m_details->clearHive();
    m_tree->resetFilter();
    m_tree->clear();
    m_chain->setSource(m_source);
    fitChainPane();
    m_space->setSource(m_source);
    setWindowFilePath(m_source ? m_source->path : QString());
    updateTitle();
    m_menus->update();
    if (!m_source)
        return;
    // A single layer shows its own tree (whiteouts included); an image starts on its merged view; a bare disk, which
    // has no layers (and so no rows in the chain), shows the volume inside it.
    if (m_source->layers.empty())
        showLayer(-1);
    else
        m_chain->selectLayer(m_source->layers.size() == 1 ? 0 : -1);
}

void MainWindow::fitChainPane()
{
    // A splitter keeps a pane's share when the pane's maximum shrinks: the volume below gets it explicitly, and the
    // share comes back with the next source that has layers.
    const QList<int> sizes = m_leftSplitter->sizes();
    if (!m_chain->hasTable()) {
        if (m_leftSizesWithTable.isEmpty())
            m_leftSizesWithTable = sizes;
        const int total = std::accumulate(sizes.begin(), sizes.end(), 0);
        m_leftSplitter->setSizes({m_chain->maximumHeight(), std::max(0, total - m_chain->maximumHeight())});
    } else if (!m_leftSizesWithTable.isEmpty()) {
        m_leftSplitter->setSizes(m_leftSizesWithTable);
        m_leftSizesWithTable.clear();
    }
}

void MainWindow::updateTitle()
{
    QString document;
    if (m_modes->currentWidget() == m_diff)
        document = m_diff->title();
    if (document.isEmpty() && m_source)
        document = QFileInfo(m_source->path).fileName();
    if (document.isEmpty() && !m_hiveFile.isEmpty())
        document = QFileInfo(m_hiveFile).fileName();
    setWindowTitle(document.isEmpty() ? QStringLiteral("LayerScope") : tr("%1 — LayerScope").arg(document));
}

void MainWindow::showLayer(int position)
{
    m_shownLayer = position;
    m_runner->discard(kDiskTask);
    m_shownDisk.reset();
    m_wantedDisk.clear();
    m_menus->update();
    if (!m_source)
        return;
    if (position < 0) {
        const QString caption = m_source->layers.empty()
            ? tr("<b>NTFS volume</b> inside the disk")
            : tr("<b>Merged view</b> of %1")
                  .arg(m_source->layers.size() == 1 ? tr("1 layer") : tr("%1 layers").arg(m_source->layers.size()));
        // A disk's volume is one tree, not a merge: no layer to name for its entries.
        m_tree->setTree(m_source->merged, !m_source->layers.empty(), caption, m_source->mergedSizes);
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
        caption
            += tr(" · <span style='color:%1'>%2</span>")
                   .arg(Theme::color(Theme::Error).name(),
                        layer.problems.size() == 1 ? tr("1 problem") : tr("%1 problems").arg(layer.problems.size()));
    m_tree->setTree(layer.tree, false, caption, layer.sizes);
}

void MainWindow::showDisk(const QString& path)
{
    m_shownLayer = -1;
    m_shownDisk.reset();
    m_wantedDisk = path;
    m_menus->update();
    if (const auto it = m_disks.find(path); it != m_disks.end()) {
        presentDisk(it->second);
        return;
    }
    const QString name = QFileInfo(path).fileName();
    m_tree->setTree(nullptr, false, tr("Reading the NTFS volume inside %1…").arg(name));
    m_runner->run(
        kDiskTask, tr("Reading %1").arg(name), this,
        [path](Progress& progress) { return SourceLoader::load(path, progress); },
        [this, path](LoadedSource disk) {
            auto shared = std::make_shared<const LoadedSource>(std::move(disk));
            m_disks[path] = shared;
            if (m_wantedDisk == path)
                presentDisk(shared);
        },
        [this, path, name](const QString& message) {
            if (m_wantedDisk == path)
                m_tree->setTree(nullptr, false, tr("Could not read the volume inside %1").arg(name));
            showError(tr("Could not read %1").arg(name), message);
        });
}

void MainWindow::presentDisk(const std::shared_ptr<const LoadedSource>& disk)
{
    m_shownDisk = disk;
    QString caption = tr("<b>NTFS volume</b> inside %1").arg(QFileInfo(disk->path).fileName().toHtmlEscaped());
    if (!disk->findings.empty())
        caption
            += tr(" · <span style='color:%1'>%2</span>")
                   .arg(Theme::color(Theme::Error).name(),
                        disk->findings.size() == 1 ? tr("1 problem") : tr("%1 problems").arg(disk->findings.size()));
    m_tree->setTree(disk->merged, false, caption, disk->mergedSizes);
}

void MainWindow::showError(const QString& title, const QString& message)
{
    statusBar()->showMessage(title, 10000);
    // Window-modal and non-blocking: the event loop (and any running task) goes on while the dialog is up.
    auto* box = new ErrorDialog(title, message, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    emit errorShown(title, message);
}

QStringList MainWindow::recentFiles() const
{
    return RecentFiles::list();
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
    const QString parent
        = FileDialogs::openFolder(this, tr("Where to Create the Work Folder"), FileDialogs::Purpose::ScratchFolder);
    if (parent.isEmpty())
        return;
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

void MainWindow::showSquashDialog()
{
    if (!m_source || m_source->layers.empty())
        return;
    const int layers = int(m_source->layers.size());
    auto [first, last] = m_chain->selectedLayerRange();
    if (first < 0 || first == last) // one row (or none) selected: offer everything above the base
        std::tie(first, last) = std::pair(std::min(1, layers - 1), layers - 1);
    SquashDialog dialog(m_source->path, layers, first, last, this);
    if (dialog.exec() == QDialog::Accepted)
        squashLayers(dialog.request());
}

void MainWindow::squashLayers(const SquashDialog::Request& request)
{
    const QString source = QString::fromStdWString(request.source.wstring());
    const QString output = QString::fromStdWString(request.output.wstring());
    const QString range = QStringLiteral("%1..%2").arg(request.first).arg(request.last);
    m_runner->run(
        QStringLiteral("squash"), tr("Squashing layers %1").arg(range), this,
        [request](Progress& progress) {
            squash::SquashOptions options;
            options.first = request.first;
            options.last = request.last;
            options.format = request.format;
            options.overwrite = request.overwrite;
            options.progress = &progress;
            return squash::squashImage(request.source, request.output, options);
        },
        [this, source, output, range](squash::SquashResult result) {
            statusBar()->showMessage(tr("Squashed layers %1 into one %2 layer: %3")
                                         .arg(range, QString::fromStdString(result.layout), output),
                                     10000);
            emit layersSquashed(output, QString::fromStdString(result.layerDigest));
            // The proof, beside the original: the merged views of both, which must not differ.
            if (result.format == baselayer::OutputFormat::Oci
                || result.format == baselayer::OutputFormat::DockerArchive)
                compare(source, output);
        },
        [this, range](const QString& message) { showError(tr("Could not squash layers %1").arg(range), message); });
}

void MainWindow::chooseAndOpenScratchFolder()
{
    const QString dir
        = FileDialogs::openFolder(this, tr("Open Scratch Work Folder"), FileDialogs::Purpose::ScratchFolder);
    if (dir.isEmpty())
        return;
    m_scratchDock->show();
    m_scratch->openWorkFolder(std::filesystem::path(dir.toStdWString()));
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About LayerScope"), aboutText());
}

void MainWindow::showShortcuts()
{
    auto* dialog = new ShortcutsDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::showGuide()
{
    auto* dialog = new ReadmeDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) {
        // 1280×800 where it fits; on a smaller screen what is free of it, leaving room for the window frame.
        QSize size(1280, 800);
        if (const QScreen* s = screen())
            size = size.boundedTo(s->availableGeometry().size() - QSize(16, 48));
        resize(size);
    }
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
    // The share users gave the chain pane, not the sliver a bare disk leaves it.
    if (m_leftSizesWithTable.isEmpty())
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

} // namespace layerscope::ui
