// SPDX-License-Identifier: Apache-2.0
#include "detailspane.h"

#include "formatting.h"
#include "hivebrowser.h"
#include "index/mergedtree.h"
#include "securityview.h"
#include "wcow/fileattributes.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStringDecoder>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace layerscope::ui {

namespace {

QTreeWidgetItem* addRow(QTreeWidget* tree, const QString& name, const QString& value)
{
    auto* item = new QTreeWidgetItem(tree, {name, value});
    item->setToolTip(1, value);
    return item;
}

QTreeWidgetItem* addChild(QTreeWidgetItem* parent, const QString& name, const QString& value)
{
    auto* item = new QTreeWidgetItem(parent, {name, value});
    item->setToolTip(1, value);
    return item;
}

QTreeWidget* makeFieldTree(QWidget* parent, const QString& objectName)
{
    auto* tree = new QTreeWidget(parent);
    tree->setObjectName(objectName);
    tree->setColumnCount(2);
    tree->setHeaderLabels({QObject::tr("Field"), QObject::tr("Value")});
    tree->setUniformRowHeights(true);
    tree->setAlternatingRowColors(true);
    tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    tree->header()->setStretchLastSection(true);
    return tree;
}

// An extended attribute's value: as text when it is printable UTF-8 (what LayerScope's own attributes and most
// Linux xattrs hold), else its first bytes in hex.
QString attributeValue(const std::string& bytes, size_t max = 64)
{
    const QString asText = QString::fromUtf8(bytes);
    const bool printable = !bytes.empty() && asText.toUtf8().toStdString() == bytes
        && std::all_of(asText.begin(), asText.end(), [](QChar c) { return c.isPrint() || c == QLatin1Char('\t'); });
    if (printable)
        return asText;
    QStringList parts;
    for (size_t i = 0; i < bytes.size() && i < max; ++i)
        parts << QStringLiteral("%1").arg(uint8_t(bytes[i]), 2, 16, QLatin1Char('0'));
    QString text = parts.join(QLatin1Char(' '));
    if (bytes.size() > max)
        text += QStringLiteral(" … (%1 bytes)").arg(bytes.size());
    return text;
}

} // namespace

DetailsPane::DetailsPane(QWidget* parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_fields(makeFieldTree(this, QStringLiteral("entryFields")))
    , m_security(new SecurityView(this))
    , m_preview(new QPlainTextEdit(this))
    , m_hive(new HiveBrowser(this))
    , m_readHive(new QPushButton(tr("&Read This Entry as a Registry Hive"), this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_tabs, 1);
    m_title->setContentsMargins(4, 0, 4, 0);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setWordWrap(true);

    m_preview->setReadOnly(true);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_preview->setObjectName(QStringLiteral("preview"));

    m_tabs->setObjectName(QStringLiteral("detailTabs"));
    m_tabs->addTab(m_fields, tr("&Entry"));
    m_tabs->addTab(m_security, tr("&Security"));
    m_tabs->addTab(m_preview, tr("&Preview"));
    auto* hivePage = new QWidget(this);
    auto* hiveLayout = new QVBoxLayout(hivePage);
    hiveLayout->setContentsMargins(0, 0, 0, 0);
    hiveLayout->addWidget(m_readHive, 0, Qt::AlignLeft);
    hiveLayout->addWidget(m_hive, 1);
    m_readHive->setObjectName(QStringLiteral("readHive"));
    m_readHive->setEnabled(false);
    connect(m_readHive, &QPushButton::clicked, this, &DetailsPane::hiveRequested);
    // "H&ive": Alt+H belongs to the Help menu.
    m_tabs->addTab(hivePage, tr("H&ive"));
    clear();
}

void DetailsPane::clear()
{
    m_title->setText(tr("Select an entry to see its details."));
    m_fields->clear();
    m_security->clear();
    m_preview->clear();
    m_readHive->setEnabled(false);
}

void DetailsPane::clearHive()
{
    m_hive->clear(tr("No hive open. Select a hive (a config hive, Hives/*_Delta or a BCD store) and read it, or use "
                     "File ▸ Open Hive File…"));
}

QString DetailsPane::fieldText(const QString& name) const
{
    const auto items = m_fields->findItems(name, Qt::MatchExactly | Qt::MatchRecursive, 0);
    return items.isEmpty() ? QString() : items.first()->text(1);
}

void DetailsPane::showEntry(std::shared_ptr<const index::TreeIndex> tree, index::NodeId node, Origin origin,
                            const index::FolderSizes* sizes)
{
    clear();
    if (!tree || node == index::InvalidNode || node >= tree->nodeCount())
        return;
    const QString path = QString::fromStdString(tree->path(node));
    m_title->setText(QStringLiteral("<b>%1</b>").arg(path.toHtmlEscaped()));
    const auto* record = tree->record(node);
    if (!record) {
        addRow(m_fields, tr("Path"), path);
        addRow(m_fields, tr("Type"), tr("directory (implied by the entries below it; the layer has no entry)"));
        if (sizes)
            addRow(m_fields, tr("Size"),
                   tr("%1 in %2 files (this folder and below)")
                       .arg(Formatting::exactSize(sizes->bytes(node)))
                       .arg(QLocale().toString(sizes->files(node))));
        m_preview->setPlainText(tr("No data: this directory has no entry of its own."));
        m_security->setSddl({}, true);
        return;
    }
    const wcow::WindowsEntry entry = tree->entry(*record);

    addRow(m_fields, tr("Path"), QString::fromStdString(entry.path));
    if (const std::string reason = index::unreadableReason(*tree, *record); !reason.empty())
        addRow(m_fields, tr("Unreadable"), QString::fromStdString(reason));
    addRow(m_fields, tr("Type"), Formatting::entryType(entry.type));
    const bool directory = entry.type == wcow::EntryType::Directory || entry.type == wcow::EntryType::Junction;
    if (directory && sizes)
        addRow(m_fields, tr("Size"),
               tr("%1 in %2 files (this folder and below)")
                   .arg(Formatting::exactSize(sizes->bytes(node)))
                   .arg(QLocale().toString(sizes->files(node))));
    else
        addRow(m_fields, tr("Size"), Formatting::exactSize(entry.size));
    if (origin != Origin::Volume)
        addRow(m_fields, tr("Mode"), QStringLiteral("0%1").arg(entry.mode, 0, 8));
    if (entry.attributes) {
        QStringList names;
        for (const auto& name : wcow::attributeNames(*entry.attributes))
            names << QString::fromStdString(name);
        addRow(m_fields, tr("Attributes"),
               QStringLiteral("%1 (0x%2): %3")
                   .arg(QString::fromStdString(wcow::attributeLetters(*entry.attributes)))
                   .arg(*entry.attributes, 0, 16)
                   .arg(names.join(QStringLiteral(", "))));
    } else {
        addRow(m_fields, tr("Attributes"), tr("(none recorded)"));
    }
    addRow(m_fields, tr("Modified"), Formatting::preciseTime(entry.modified));
    addRow(m_fields, tr("Created"), entry.created ? Formatting::preciseTime(*entry.created) : tr("(none)"));
    addRow(m_fields, tr("Accessed"), entry.accessed ? Formatting::preciseTime(*entry.accessed) : tr("(none)"));
    addRow(m_fields, tr("Changed"), entry.changed ? Formatting::preciseTime(*entry.changed) : tr("(none)"));
    if (!entry.linkTarget.empty())
        addRow(m_fields, entry.type == wcow::EntryType::Hardlink ? tr("Hard link to") : tr("Link target"),
               QString::fromStdString(entry.linkTarget));
    if (!entry.streamName.empty())
        addRow(m_fields, tr("Stream"), QString::fromStdString(entry.streamName));
    if (record->has(index::TreeIndex::Record::HasHash)) {
        addRow(m_fields, tr("SHA-256"), QString::fromStdString(toHex(record->sha256)));
    }
    if (origin != Origin::Volume)
        addRow(m_fields, tr("Tar entry"), QString::number(entry.tarIndex));
    if (origin == Origin::Merged)
        addRow(m_fields, tr("Layer"), tr("%1 (the layer that last set this path)").arg(record->layer));
    addRow(m_fields, tr("Security descriptor"),
           entry.sddl.empty()                     ? tr("(none)")
               : entry.securityDescriptor.empty() ? tr("present (see Security)")
                                                  : tr("%1 bytes (see Security)").arg(entry.securityDescriptor.size()));
    if (!entry.xattrs.empty()) {
        auto* xattrs = addRow(m_fields, tr("Extended attributes"), QString::number(entry.xattrs.size()));
        for (const auto& [name, value] : entry.xattrs)
            addChild(xattrs, QString::fromStdString(name), attributeValue(value));
        xattrs->setExpanded(true);
    }
    m_fields->resizeColumnToContents(0);

    m_security->setSddl(entry.sddl, directory);
}

void DetailsPane::setDigest(const QString& text)
{
    const auto found = m_fields->findItems(tr("SHA-256"), Qt::MatchExactly, 0);
    if (!found.isEmpty()) {
        found.first()->setText(1, text);
        found.first()->setToolTip(1, text);
        return;
    }
    // Where showEntry() puts it: before the tar and layer rows, or else before the security descriptor.
    int at = m_fields->topLevelItemCount();
    for (const QString& next : {tr("Tar entry"), tr("Layer"), tr("Security descriptor")})
        if (const auto items = m_fields->findItems(next, Qt::MatchExactly, 0); !items.isEmpty()) {
            at = std::min(at, m_fields->indexOfTopLevelItem(items.first()));
        }
    auto* item = new QTreeWidgetItem({tr("SHA-256"), text});
    item->setToolTip(1, text);
    m_fields->insertTopLevelItem(at, item);
}

void DetailsPane::showPreviewMessage(const QString& message)
{
    m_preview->setPlainText(message);
}

void DetailsPane::setHiveAvailable(bool available, const QString& reason)
{
    m_readHive->setEnabled(available);
    m_readHive->setToolTip(reason);
}

void DetailsPane::showPreview(const std::vector<uint8_t>& bytes, uint64_t total)
{
    // Text when the bytes decode as UTF-8 (or UTF-16 with a byte-order mark) without control characters other than
    // whitespace; anything else as a hex dump. This is about showing bytes, not about any file format.
    QString text;
    bool isText = !bytes.empty();
    if (bytes.size() >= 2 && ((bytes[0] == 0xff && bytes[1] == 0xfe) || (bytes[0] == 0xfe && bytes[1] == 0xff))) {
        const bool little = bytes[0] == 0xff;
        for (size_t i = 2; i + 1 < bytes.size(); i += 2)
            text += QChar(little ? char16_t(bytes[i] | bytes[i + 1] << 8) : char16_t(bytes[i] << 8 | bytes[i + 1]));
    } else {
        QStringDecoder decoder(QStringDecoder::Utf8);
        text = decoder.decode(QByteArrayView(bytes.data(), qsizetype(bytes.size())));
        // A multi-byte sequence cut at the end of the preview is not an error.
        isText = isText && !decoder.hasError();
    }
    for (const QChar c : std::as_const(text))
        if (c.unicode() < 0x20 && c != QLatin1Char('\n') && c != QLatin1Char('\r') && c != QLatin1Char('\t'))
            isText = false;

    QString shown;
    if (isText) {
        shown = text;
    } else {
        for (size_t offset = 0; offset < bytes.size(); offset += 16) {
            QString hex;
            QString ascii;
            for (size_t i = offset; i < offset + 16; ++i) {
                if (i < bytes.size()) {
                    hex += QStringLiteral("%1 ").arg(bytes[i], 2, 16, QLatin1Char('0'));
                    ascii += bytes[i] >= 0x20 && bytes[i] < 0x7f ? QLatin1Char(char(bytes[i])) : QLatin1Char('.');
                } else {
                    hex += QStringLiteral("   ");
                }
                if (i == offset + 7)
                    hex += QLatin1Char(' ');
            }
            shown += QStringLiteral("%1  %2 |%3|\n").arg(offset, 8, 16, QLatin1Char('0')).arg(hex, ascii);
        }
    }
    if (total > bytes.size())
        shown += tr("\n… the first %1 of %2 bytes").arg(bytes.size()).arg(total);
    if (bytes.empty())
        shown = tr("(empty)");
    // A hex dump is read in columns: wrapping its lines would scramble them; text reads better wrapped.
    m_preview->setLineWrapMode(isText ? QPlainTextEdit::WidgetWidth : QPlainTextEdit::NoWrap);
    m_preview->setPlainText(shown);
}

void DetailsPane::showHive(std::shared_ptr<const hive::HiveReader> hive, const QString& caption, bool file)
{
    if (file) {
        // The hive is not the entry selected in the tree: say what is shown instead of the entry's path.
        clear();
        m_title->setText(tr("<b>Hive file %1</b>").arg(caption.toHtmlEscaped()));
    }
    m_hive->setHive(std::move(hive), caption);
    m_tabs->setCurrentIndex(HiveTab);
}

} // namespace layerscope::ui
