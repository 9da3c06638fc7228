// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "space/spacereport.h"

#include <QWidget>

#include <memory>

namespace layerscope::ui {

// One horizontal stacked bar per layer, base at the top: the bytes of the layer the merged view still shows (in the
// layer's colour) and the bytes later layers hide (grey), on one scale, so that the heavy and the wasteful layers
// stand out.
class LayerBarsView : public QWidget
{
    Q_OBJECT
public:
    explicit LayerBarsView(QWidget* parent = nullptr);
    void setReport(std::shared_ptr<const space::SpaceReport> report);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::shared_ptr<const space::SpaceReport> m_report;
};

} // namespace layerscope::ui
