// SPDX-License-Identifier: Apache-2.0
#include "formatting.h"

#include "wcow/paxtime.h"

#include <QDateTime>
#include <QLocale>
#include <QTimeZone>

namespace layerscope::ui {

QString Formatting::size(uint64_t bytes)
{
    return QLocale().formattedDataSize(qint64(bytes), 1, QLocale::DataSizeIecFormat);
}

QString Formatting::exactSize(uint64_t bytes)
{
    return QStringLiteral("%1 bytes").arg(QLocale().toString(qulonglong(bytes)));
}

QString Formatting::shortDigest(std::string_view digest)
{
    const auto colon = digest.find(':');
    const std::string_view hex = colon == std::string_view::npos ? digest : digest.substr(colon + 1);
    return fromUtf8(hex.substr(0, 12));
}

QString Formatting::time(const wcow::PaxTime& time)
{
    // QDateTime covers far more than any PAX time a layer holds; outside its range fall back to core's form.
    constexpr int64_t limit = int64_t(1) << 40;
    if (time.seconds < -limit || time.seconds > limit)
        return preciseTime(time);
    return QDateTime::fromSecsSinceEpoch(time.seconds, QTimeZone::utc())
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString Formatting::preciseTime(const wcow::PaxTime& time)
{
    return QString::fromStdString(wcow::formatRfc3339(time));
}

QString Formatting::entryType(wcow::EntryType type)
{
    return QString::fromLatin1(wcow::entryTypeName(type));
}

} // namespace layerscope::ui
