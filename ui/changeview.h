// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "diff/diffresult.h"

#include <QTreeWidget>

namespace layerscope::ui {

// One change of a comparison side by side: every compared field with its value in A and in B, the differing ones
// in bold (red when unexplained, dimmed when a rule explains them), the rule that expects the change. Long values
// (paths, SDDL, digests) are cut in the middle, where they differ least, and shown whole in tooltips. A changed
// registry hive (a config hive, Hives/*_Delta, the BCD store) adds its registry changes below the fields as a key
// tree, keys and values coloured like the file tree (added, removed, changed), A and B side by side.
class ChangeView : public QTreeWidget
{
    Q_OBJECT
public:
    explicit ChangeView(QWidget* parent = nullptr);

    // Shows `change` of `result`, or nothing for nullptr.
    void showChange(const diff::DiffResult& result, const diff::Change* change);

    // The "Registry" item of the change shown, or nullptr when it is not a hive compared as a registry.
    QTreeWidgetItem* registryItem() const { return m_registry; }

private:
    void addRegistry(const diff::HiveComparison& hive);

    QTreeWidgetItem* m_registry = nullptr;
};

} // namespace layerscope::ui
