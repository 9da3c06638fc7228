// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

#include <string>

class QLabel;
class QPlainTextEdit;
class QTreeView;

namespace layerscope::ui {

class PermissionModel;

// An entry's security descriptor as Windows' "Advanced Security Settings" shows it: owner and group by name with
// their SIDs beside, the descriptor's flags in words, a table of permission entries (type, principal, access,
// inherited, applies to) and the raw SDDL in a selectable field that wraps. Parsing and wording come from core
// (wcow::SecurityDescriptor, wcow::PermissionEntry).
class SecurityView : public QWidget
{
    Q_OBJECT
public:
    explicit SecurityView(QWidget* parent = nullptr);

    // `directory` picks the folder wording ("Applies to", "List folder contents").
    void setSddl(const std::string& sddl, bool directory);
    void clear();

    QLabel* ownerLabel() const { return m_owner; }
    QLabel* groupLabel() const { return m_group; }
    QLabel* flagsLabel() const { return m_flags; }
    QTreeView* permissionView() const { return m_view; }
    PermissionModel* permissionModel() const { return m_model; }
    QPlainTextEdit* sddlEdit() const { return m_sddl; }

private:
    QLabel* m_owner;
    QLabel* m_group;
    QLabel* m_flags;
    QTreeView* m_view;
    PermissionModel* m_model;
    QPlainTextEdit* m_sddl;
};

} // namespace layerscope::ui
