// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QColor>
#include <QPalette>
#include <QString>

namespace layerscope::ui {

// The application's colours: View ▸ Theme (System, Light or Dark) and the colours every view uses for meaning
// (diff kinds, errors, dimmed rows), chosen for the palette in force so that they stay readable on it.
//
// Qt 6.4 has no API to ask the platform for a dark or light scheme (QStyleHints::setColorScheme came with 6.8), so
// Light and Dark are the Fusion style with a palette of our own; System is the style and palette the platform gave
// the application at start.
class Theme
{
public:
    enum class Mode { System, Light, Dark };
    enum Role {
        Added, // diff: an entry only in B; scratch: a new entry
        Removed, // diff: an entry only in A; whiteouts
        Changed, // diff: an entry that differs
        Error, // error text in labels
        Warning,
        Success,
        Dimmed, // rows that matter less (expected changes, implied folders): quieter than text, still readable
    };

    // Applies a mode to the whole application (style and palette) and remembers it in the settings.
    static void apply(Mode mode);
    // The mode the settings hold (System when none), applied by the main window at start.
    static Mode saved();
    static Mode current();
    static QString name(Mode mode); // "system", "light", "dark" (settings values)

    // A colour for `role` on the application palette now in force.
    static QColor color(Role role);
    static QColor color(Role role, const QPalette& palette);
    // Whether a palette's Base is dark, which decides the variant of every role colour.
    static bool isDark(const QPalette& palette);
    // WCAG 2 contrast ratio of two colours (1 to 21); 4.5 is the minimum for normal text.
    static double contrast(const QColor& a, const QColor& b);

    static QPalette darkPalette();
    static QPalette lightPalette();
};

} // namespace layerscope::ui
