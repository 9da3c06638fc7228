// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers shared by the GUI suites: fixture trees scanned through core, and waiting for the task runner.

#include "index/layerscan.h"
#include "testsupport.h"

#include <memory>

namespace uitestsupport {

// Scans a generated fixture layer (tests/fixtures) into a shared, read-only index, as the app does.
inline std::shared_ptr<const layerscope::index::TreeIndex> fixtureTree(const std::string& name)
{
    auto scan = layerscope::index::scanLayerFile(testsupport::fixture(name));
    return std::make_shared<const layerscope::index::TreeIndex>(std::move(scan.index));
}

} // namespace uitestsupport

#define SKIP_UNLESS_FIXTURE(name)                                                                                      \
    if (!std::filesystem::exists(testsupport::fixture(name)))                                                          \
    QSKIP("fixture " name " missing: run ctest -R fixtures first")
