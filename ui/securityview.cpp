// SPDX-License-Identifier: Apache-2.0
#include "securityview.h"

#include "columnwidths.h"
#include "formatting.h"
#include "permissionmodel.h"
#include "theme.h"
#include "wcow/accessrights.h"
#include "wcow/securitydescriptor.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTreeView>
#include <QVBoxLayout>

namespace layerscope::ui {

namespace {

QLabel* makeValueLabel(QWidget* parent, const QString& objectName)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    return label;
}

// "NT SERVICE\TrustedInstaller" in bold with its SID beside, quieter; an unknown SID alone.
QString party(const std::optional<wcow::Sid>& sid)
{
    if (!sid)
        return QObject::tr("(none)");
    const QString text = QString::fromStdString(sid->toString());
    const std::string name = sid->friendlyName();
    if (name.empty())
        return QStringLiteral("<b>%1</b>").arg(text.toHtmlEscaped());
    return QStringLiteral("<b>%1</b> &nbsp;<span style='color:%2'>%3</span>")
        .arg(QString::fromStdString(name).toHtmlEscaped(), Theme::color(Theme::Dimmed).name(), text.toHtmlEscaped());
}

} // namespace

SecurityView::SecurityView(QWidget* parent)
    : QWidget(parent)
    , m_owner(makeValueLabel(this, QStringLiteral("securityOwner")))
    , m_group(makeValueLabel(this, QStringLiteral("securityGroup")))
    , m_flags(makeValueLabel(this, QStringLiteral("securityFlags")))
    , m_view(new QTreeView(this))
    , m_model(new PermissionModel(this))
    , m_sddl(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("securityView"));
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    form->addRow(tr("Owner:"), m_owner);
    form->addRow(tr("Group:"), m_group);
    form->addRow(tr("Flags:"), m_flags);

    m_view->setObjectName(QStringLiteral("permissionView"));
    m_view->setModel(m_model);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->header()->setStretchLastSection(true);
    ColumnWidths::manage(m_view, QStringLiteral("permissions"),
                         {PermissionModel::Principal, PermissionModel::AppliesTo});

    // SDDL has no spaces to break at, so it wraps anywhere; it stays selectable for copying.
    m_sddl->setObjectName(QStringLiteral("sddl"));
    m_sddl->setReadOnly(true);
    m_sddl->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_sddl->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_sddl->setWordWrapMode(QTextOption::WrapAnywhere);
    m_sddl->setMaximumHeight(m_sddl->fontMetrics().lineSpacing() * 6);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(form);
    auto* permissions = new QLabel(tr("Permission entries (in the order Windows checks them):"), this);
    layout->addWidget(permissions);
    layout->addWidget(m_view, 1);
    layout->addWidget(new QLabel(tr("SDDL:"), this));
    layout->addWidget(m_sddl);
    clear();
}

void SecurityView::clear()
{
    m_owner->clear();
    m_group->clear();
    m_flags->clear();
    m_model->setEntries({});
    m_sddl->clear();
}

void SecurityView::setSddl(const std::string& sddl, bool directory)
{
    clear();
    if (sddl.empty()) {
        m_owner->setText(tr("(no security descriptor: the entry inherits its parent's permissions on import)"));
        return;
    }
    m_sddl->setPlainText(QString::fromStdString(sddl));
    try {
        const auto descriptor = wcow::SecurityDescriptor::fromSddl(sddl);
        m_owner->setText(party(descriptor.owner()));
        m_group->setText(party(descriptor.group()));
        QStringList flags;
        for (const auto& name : wcow::AccessRights::controlNames(descriptor.control()))
            flags << Formatting::fromUtf8(name);
        if (!descriptor.daclPresent())
            flags << tr("no DACL: access is not restricted");
        else if (!descriptor.dacl())
            flags << tr("NULL DACL: everyone has full control");
        else if (descriptor.dacl()->aces.empty())
            flags << tr("empty DACL: nobody has access");
        m_flags->setText(flags.isEmpty() ? tr("(none)") : flags.join(QStringLiteral(" · ")));
        m_model->setEntries(wcow::PermissionEntry::listOf(descriptor, directory));
        ColumnWidths::fit(m_view);
    } catch (const std::exception& e) {
        m_flags->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                             .arg(Theme::color(Theme::Error).name(), QString::fromUtf8(e.what()).toHtmlEscaped()));
    }
}

} // namespace layerscope::ui
