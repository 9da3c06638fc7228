// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "hive/hivereader.h"
#include "index/foldersizes.h"
#include "index/treeindex.h"

#include <QWidget>

#include <memory>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTreeWidget;

namespace layerscope::ui {

class HiveBrowser;
class SecurityView;

// Everything about one entry: its fields, its security descriptor (as Windows' Advanced Security Settings shows
// it), a preview of its first bytes and, for registry hives, a hive browser.
class DetailsPane : public QWidget
{
    Q_OBJECT
public:
    enum Tab { EntryTab, SecurityTab, PreviewTab, HiveTab };

    explicit DetailsPane(QWidget* parent = nullptr);

    // Where the tree shown comes from: a layer, the merged view of a chain (records name their layer), or the NTFS
    // volume of a disk (no tar: no mode, entry number or layer).
    enum class Origin { Layer, Merged, Volume };
    // `sizes` (optional) gives a folder's total size.
    void showEntry(std::shared_ptr<const index::TreeIndex> tree, index::NodeId node, Origin origin,
                   const index::FolderSizes* sizes = nullptr);
    // A hive read from the selected entry (`caption` is its path) or, with `file`, from a file on disk: then the
    // pane's heading names the file, not the entry selected in the tree.
    void showHive(std::shared_ptr<const hive::HiveReader> hive, const QString& caption, bool file = false);
    // Forgets the hive shown (a new document has other hives).
    void clearHive();
    // The first bytes of the entry's data (of `total`), as text when they read as text, else as a hex dump.
    void showPreview(const std::vector<uint8_t>& bytes, uint64_t total);
    void showPreviewMessage(const QString& message);
    // Whether "Read as Hive" can be offered for the entry shown.
    void setHiveAvailable(bool available, const QString& reason = {});
    // Sets the SHA-256 row of the entry shown (a hash, or a word on its progress), adding it where it belongs.
    void setDigest(const QString& text);
    void clear();

    QTabWidget* tabs() const { return m_tabs; }
    QTreeWidget* fields() const { return m_fields; }
    SecurityView* security() const { return m_security; }
    QLabel* titleLabel() const { return m_title; }
    QPushButton* readHiveButton() const { return m_readHive; }
    HiveBrowser* hiveBrowser() const { return m_hive; }
    // The text of a field row ("Path", "Type", ...) of the Entry tab, for tests and copy.
    QString fieldText(const QString& name) const;

signals:
    // The user asked to read the shown entry as a registry hive.
    void hiveRequested();

private:
    QLabel* m_title;
    QTabWidget* m_tabs;
    QTreeWidget* m_fields;
    SecurityView* m_security;
    QPlainTextEdit* m_preview;
    HiveBrowser* m_hive;
    QPushButton* m_readHive;
};

} // namespace layerscope::ui
