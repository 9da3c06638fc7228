// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "hive/hivereader.h"
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

// Everything about one entry: its fields, its security descriptor (owner, group, one ACE per line), a preview of
// its first bytes and, for registry hives, a hive browser.
class DetailsPane : public QWidget
{
    Q_OBJECT
public:
    enum Tab { EntryTab, SecurityTab, PreviewTab, HiveTab };

    explicit DetailsPane(QWidget* parent = nullptr);

    void showEntry(std::shared_ptr<const index::TreeIndex> tree, index::NodeId node, bool merged);
    void showHive(std::shared_ptr<const hive::HiveReader> hive, const QString& caption);
    // The first bytes of the entry's data (of `total`), as text when they read as text, else as a hex dump.
    void showPreview(const std::vector<uint8_t>& bytes, uint64_t total);
    void showPreviewMessage(const QString& message);
    // Whether "Read as Hive" can be offered for the entry shown.
    void setHiveAvailable(bool available, const QString& reason = {});
    void clear();

    QTabWidget* tabs() const { return m_tabs; }
    QTreeWidget* fields() const { return m_fields; }
    QTreeWidget* security() const { return m_security; }
    HiveBrowser* hiveBrowser() const { return m_hive; }
    // The text of a field row ("Path", "Owner", ...) of the Entry or Security tab, for tests and copy.
    QString fieldText(const QString& name) const;

private:
    void fillSecurity(const std::string& sddl);

signals:
    // The user asked to read the shown entry as a registry hive.
    void hiveRequested();

private:
    QLabel* m_title;
    QTabWidget* m_tabs;
    QTreeWidget* m_fields;
    QTreeWidget* m_security;
    QPlainTextEdit* m_preview;
    HiveBrowser* m_hive;
    QPushButton* m_readHive;
};

} // namespace layerscope::ui
