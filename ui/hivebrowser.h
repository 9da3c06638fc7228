// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "hive/hivereader.h"

#include <QWidget>

#include <memory>

class QLabel;
class QTreeView;

namespace layerscope::ui {

class HiveKeyModel;
class HiveValueModel;

// A registry hive: keys on the left, the selected key's values on the right, validation problems above.
class HiveBrowser : public QWidget
{
    Q_OBJECT
public:
    explicit HiveBrowser(QWidget* parent = nullptr);

    void setHive(std::shared_ptr<const hive::HiveReader> hive, const QString& caption);
    void clear(const QString& message);

    HiveKeyModel* keyModel() const { return m_keyModel; }
    HiveValueModel* valueModel() const { return m_valueModel; }
    QTreeView* keyView() const { return m_keys; }
    QTreeView* valueView() const { return m_values; }
    // Selects a key by backslash-separated path below the root; false when absent.
    bool selectKey(const QString& path);

private:
    QLabel* m_summary;
    QTreeView* m_keys;
    QTreeView* m_values;
    HiveKeyModel* m_keyModel;
    HiveValueModel* m_valueModel;
};

} // namespace layerscope::ui
