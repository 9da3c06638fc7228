// SPDX-License-Identifier: Apache-2.0
#include "changeview.h"

#include "hive/bcdnames.h"
#include "theme.h"

#include <QHash>
#include <QHeaderView>

#include <algorithm>

namespace layerscope::ui {

using diff::Change;

ChangeView::ChangeView(QWidget* parent)
    : QTreeWidget(parent)
{
    setObjectName(QStringLiteral("diffSides"));
    setColumnCount(3);
    setHeaderLabels({tr("Field"), tr("A"), tr("B")});
    setRootIsDecorated(false);
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    setTextElideMode(Qt::ElideMiddle);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    // A and B are read against each other: they share the width equally, whatever the window's size.
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(1, QHeaderView::Stretch);
    header()->setSectionResizeMode(2, QHeaderView::Stretch);
}

void ChangeView::showChange(const diff::DiffResult& result, const Change* change)
{
    clear();
    m_registry = nullptr;
    setRootIsDecorated(false);
    header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    if (!change)
        return;
    QFont bold = font();
    bold.setBold(true);
    const auto add = [this](const QString& field, const QString& a, const QString& b) {
        auto* item = new QTreeWidgetItem(this, {field, a, b});
        item->setToolTip(1, a);
        item->setToolTip(2, b);
        return item;
    };
    add(tr("Path"), QString::fromStdString(result.path(*change)), QString());
    add(tr("Change"), QString::fromLatin1(diff::changeKindName(change->kind)), QString());
    if (change->expected && change->rule != Change::NoRule) {
        const auto& rule = result.rules()[change->rule];
        add(tr("Expected by"), QString::fromStdString(rule.name()), QString::fromStdString(rule.description()));
    }
    for (int f = 0; f < int(diff::Field::Count); ++f) {
        const auto field = diff::Field(f);
        if (!result.comparedFields().contains(field))
            continue;
        auto* item = add(QString::fromLatin1(diff::fieldName(field)),
                         QString::fromStdString(result.value(*change, field, diff::DiffResult::Side::A)),
                         QString::fromStdString(result.value(*change, field, diff::DiffResult::Side::B)));
        if (change->fields.contains(field)) {
            for (int c = 0; c < 3; ++c)
                item->setFont(c, bold);
            item->setForeground(0, Theme::color(change->explained.contains(field) ? Theme::Dimmed : Theme::Error));
        }
    }
    if (const diff::HiveComparison* hive = result.hive(*change))
        addRegistry(*hive);
}

void ChangeView::addRegistry(const diff::HiveComparison& hive)
{
    using Kind = hive::HiveDiff::Kind;
    using Verdict = hive::HiveDiff::Verdict;
    setRootIsDecorated(true);
    QFont bold = font();
    bold.setBold(true);
    QString verdict;
    if (!hive.diff)
        verdict = tr("not compared: %1").arg(QString::fromStdString(hive.problem));
    else if (hive.diff->verdict() == Verdict::Identical)
        verdict = tr("identical");
    else if (hive.diff->verdict() == Verdict::EqualExceptNoise)
        verdict = tr("equal — rewritten, only time stamps and sequence numbers differ (%n key time(s))", nullptr,
                     int(hive.diff->timestampOnly().size()));
    else
        verdict = tr("%n registry change(s)", nullptr, int(hive.diff->changes().size()));
    m_registry = new QTreeWidgetItem(this, {tr("Registry"), verdict, QString()});
    m_registry->setFont(0, bold);
    m_registry->setToolTip(1, verdict);
    if (!hive.diff)
        return;
    const hive::HiveDiff& d = *hive.diff;
    for (const auto& h : d.header()) {
        if (h.noise)
            continue;
        auto* item = new QTreeWidgetItem(m_registry,
                                         {tr("header %1").arg(QString::fromStdString(h.field)),
                                          QString::fromStdString(h.a), QString::fromStdString(h.b)});
        item->setForeground(0, Theme::color(Theme::Changed));
    }
    // The key tree of the changes only: each change's key path, parents as plain rows, matched case-insensitively
    // as the diff matched them (regf-hive-format §7).
    QHash<QString, QTreeWidgetItem*> keys;
    const auto keyItem = [&](const std::string& path) {
        QTreeWidgetItem* parent = m_registry;
        QString sofar;
        for (const QString& part : QString::fromStdString(path).split(QLatin1Char('\\'), Qt::SkipEmptyParts)) {
            sofar += QLatin1Char('\\') + part.toUpper();
            QTreeWidgetItem*& item = keys[sofar];
            if (!item) {
                item = new QTreeWidgetItem(parent, {part});
                // BCD object keys by their well-known names (registry-delta-hives §5).
                if (const auto alias = d.isBcd() ? hive::bcdObjectAlias(part.toStdString()) : std::nullopt) {
                    item->setText(0, QString::fromLatin1(alias->data(), qsizetype(alias->size())));
                    item->setToolTip(0, part);
                }
            }
            parent = item;
        }
        return parent;
    };
    const auto colour = [](Kind kind) {
        return Theme::color(kind == Kind::KeyAdded || kind == Kind::ValueAdded           ? Theme::Added
                                : kind == Kind::KeyRemoved || kind == Kind::ValueRemoved ? Theme::Removed
                                                                                         : Theme::Changed);
    };
    // A long list of changes stays browsable: the first ones are shown, the CLI lists them all.
    constexpr size_t kMaxRows = 2000;
    size_t rows = 0;
    for (const auto& c : d.changes()) {
        if (rows++ == kMaxRows) {
            new QTreeWidgetItem(m_registry,
                                {tr("… %n more (layerscope-cli hive diff lists them all)", nullptr,
                                    int(d.changes().size() - kMaxRows))});
            break;
        }
        QTreeWidgetItem* key = keyItem(c.path);
        QTreeWidgetItem* item = key;
        if (c.isValue()) {
            const std::string& name = c.valueName();
            item = new QTreeWidgetItem(key, {name.empty() ? QStringLiteral("@") : QString::fromStdString(name)});
        }
        const QString a = QString::fromStdString(d.sideText(c, false));
        const QString b = QString::fromStdString(d.sideText(c, true));
        item->setText(1, a.isEmpty() ? tr("(absent)") : a);
        item->setText(2, b.isEmpty() ? tr("(absent)") : b);
        item->setToolTip(1, a);
        item->setToolTip(2, b);
        const QString label = QString::fromStdString(d.bcdLabel(c));
        item->setToolTip(0, label.isEmpty() ? QString::fromStdString(d.where(c)) : label);
        if (!label.isEmpty() && !c.isValue())
            item->setText(0, item->text(0) + QStringLiteral(" — ") + label);
        item->setForeground(0, colour(c.kind));
        item->setFont(0, bold);
    }
    m_registry->setExpanded(true);
    if (rows <= 200)
        expandAll();
    // Deep key paths would take the whole width and leave A and B nothing: the key column takes at most two
    // fifths (the user can widen it; full names are in the tooltips).
    header()->setSectionResizeMode(0, QHeaderView::Interactive);
    header()->resizeSection(0, std::min(sizeHintForColumn(0), std::max(viewport()->width() * 2 / 5, 120)));
}

} // namespace layerscope::ui
