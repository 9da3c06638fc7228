// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "diff/diffresult.h"

#include <QTreeWidget>

namespace layerscope::ui {

// One change of a comparison side by side: every compared field with its value in A and in B, the differing ones
// in bold (red when unexplained, dimmed when a rule explains them), the rule that expects the change. Long values
// (paths, SDDL, digests) are cut in the middle, where they differ least, and shown whole in tooltips.
class ChangeView : public QTreeWidget
{
    Q_OBJECT
public:
    explicit ChangeView(QWidget* parent = nullptr);

    // Shows `change` of `result`, or nothing for nullptr.
    void showChange(const diff::DiffResult& result, const diff::Change* change);
};

} // namespace layerscope::ui
