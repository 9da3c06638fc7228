// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "loadedsource.h"

#include <QWidget>

#include <memory>

class QLabel;
class QTreeView;

namespace layerscope::ui {

class ChainModel;

// The chain: image facts (os, os.version, architecture) above the layers, base to top, and the merged row.
class ChainPane : public QWidget
{
    Q_OBJECT
public:
    explicit ChainPane(QWidget* parent = nullptr);

    void setSource(std::shared_ptr<const LoadedSource> source);
    ChainModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }

    // Selects a layer row (or the merged row with -1).
    void selectLayer(int position);

signals:
    // position -1 is the merged view.
    void layerSelected(int position);

private:
    QLabel* m_facts;
    QTreeView* m_view;
    ChainModel* m_model;
};

} // namespace layerscope::ui
