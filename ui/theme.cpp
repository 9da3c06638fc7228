// SPDX-License-Identifier: Apache-2.0
#include "theme.h"

#include <QApplication>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

#include <cmath>

namespace layerscope::ui {

namespace {

const QString kThemeKey = QStringLiteral("view/theme");

Theme::Mode g_mode = Theme::Mode::System;
// The style the platform chose before any theme was applied ("System" goes back to it).
QString g_systemStyle;

double luminance(const QColor& c)
{
    const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

QColor blend(const QColor& from, const QColor& to, double t)
{
    return QColor::fromRgbF(float(from.redF() + (to.redF() - from.redF()) * t),
                            float(from.greenF() + (to.greenF() - from.greenF()) * t),
                            float(from.blueF() + (to.blueF() - from.blueF()) * t));
}

} // namespace

QString Theme::name(Mode mode)
{
    switch (mode) {
    case Mode::Light:
        return QStringLiteral("light");
    case Mode::Dark:
        return QStringLiteral("dark");
    case Mode::System:
        break;
    }
    return QStringLiteral("system");
}

Theme::Mode Theme::saved()
{
    const QString value = QSettings().value(kThemeKey).toString();
    if (value == name(Mode::Light))
        return Mode::Light;
    if (value == name(Mode::Dark))
        return Mode::Dark;
    return Mode::System;
}

Theme::Mode Theme::current()
{
    return g_mode;
}

void Theme::apply(Mode mode)
{
    if (g_systemStyle.isEmpty())
        g_systemStyle = QApplication::style()->name();
    g_mode = mode;
    QSettings().setValue(kThemeKey, name(mode));
    if (mode == Mode::System) {
        QApplication::setStyle(QStyleFactory::create(g_systemStyle));
        // A palette that resolves nothing hands the application back to the platform theme's palette.
        QApplication::setPalette(QPalette());
        return;
    }
    if (QApplication::style()->name().compare(QStringLiteral("fusion"), Qt::CaseInsensitive) != 0)
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(mode == Mode::Dark ? darkPalette() : lightPalette());
}

QPalette Theme::lightPalette()
{
    QPalette p(QColor(0xef, 0xef, 0xef), QColor(0xef, 0xef, 0xef));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xf5, 0xf5, 0xf5));
    p.setColor(QPalette::Text, QColor(0x1a, 0x1a, 0x1a));
    p.setColor(QPalette::WindowText, QColor(0x1a, 0x1a, 0x1a));
    p.setColor(QPalette::ButtonText, QColor(0x1a, 0x1a, 0x1a));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xdc));
    p.setColor(QPalette::ToolTipText, Qt::black);
    p.setColor(QPalette::PlaceholderText, QColor(0x70, 0x70, 0x70));
    p.setColor(QPalette::Highlight, QColor(0x30, 0x8c, 0xc6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x1a, 0x5f, 0xb4));
    p.setColor(QPalette::LinkVisited, QColor(0x6b, 0x3f, 0xa0));
    for (const auto role : {QPalette::Text, QPalette::WindowText, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x8c, 0x8c, 0x8c));
    return p;
}

QPalette Theme::darkPalette()
{
    const QColor text(0xe6, 0xe6, 0xe6);
    QPalette p(QColor(0x35, 0x35, 0x35), QColor(0x2d, 0x2d, 0x2d));
    p.setColor(QPalette::Window, QColor(0x2d, 0x2d, 0x2d));
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    p.setColor(QPalette::AlternateBase, QColor(0x27, 0x27, 0x27));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x50, 0x50, 0x50));
    p.setColor(QPalette::Midlight, QColor(0x42, 0x42, 0x42));
    p.setColor(QPalette::Mid, QColor(0x2a, 0x2a, 0x2a));
    p.setColor(QPalette::Dark, QColor(0x1a, 0x1a, 0x1a));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3a, 0x3a));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x96, 0x96, 0x96));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x65, 0xca));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb4, 0x8c, 0xff));
    for (const auto role : {QPalette::Text, QPalette::WindowText, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x40, 0x40, 0x40));
    p.setColor(QPalette::Disabled, QPalette::HighlightedText, QColor(0x9a, 0x9a, 0x9a));
    p.setColor(QPalette::Disabled, QPalette::Button, QColor(0x30, 0x30, 0x30));
    return p;
}

bool Theme::isDark(const QPalette& palette)
{
    return luminance(palette.color(QPalette::Base)) < 0.2;
}

double Theme::contrast(const QColor& a, const QColor& b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor Theme::color(Role role)
{
    return color(role, QApplication::palette());
}

QColor Theme::color(Role role, const QPalette& palette)
{
    const bool dark = isDark(palette);
    // Each pair is picked for at least 4.5:1 against the Base of the light and the dark palette (tst_uimodels).
    switch (role) {
    case Added:
    case Success:
        return dark ? QColor(0x5f, 0xd3, 0x8d) : QColor(0x1b, 0x7a, 0x43);
    case Removed:
    case Error:
        return dark ? QColor(0xff, 0x85, 0x78) : QColor(0xb0, 0x2a, 0x1e);
    case Changed:
    case Warning:
        return dark ? QColor(0xf2, 0xb3, 0x4e) : QColor(0x8a, 0x55, 0x00);
    case Dimmed: {
        // Halfway to the background looks dim but may fall below readable contrast; step back towards the text
        // until it reads.
        // It is drawn on views (Base, AlternateBase) and on labels (Window): it must read on each.
        const QColor text = palette.color(QPalette::Text);
        const QColor base = palette.color(QPalette::Base);
        const auto readable = [&](const QColor& c) {
            for (const auto background : {QPalette::Base, QPalette::AlternateBase, QPalette::Window})
                if (contrast(c, palette.color(background)) < 4.6)
                    return false;
            return true;
        };
        for (double t = 0.5; t > 0.0; t -= 0.05) {
            const QColor c = blend(text, base, t);
            if (readable(c))
                return c;
        }
        return text;
    }
    }
    return palette.color(QPalette::Text);
}

} // namespace layerscope::ui
