#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Screenshots of every pane of the real app under Xvfb, for the README.
#   tests/ui/screenshots.sh [BUILD_DIR] [OUT_DIR]
# BUILD_DIR defaults to build/ (it must hold app/gui/layerscope and the generated fixtures: run
# `ctest -R fixtures` there first); OUT_DIR defaults to docs/screenshots. The app's hidden --screenshot option
# opens the image, reads a config hive out of its base layer, compares the round-trip fixture pair, selects an
# entry with a security descriptor, grabs each pane with QWidget::grab() and quits.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$here/build}" && pwd)
out=${2:-$here/docs/screenshots}
fixtures=$build/fixtures
app=$build/app/gui/layerscope

[[ -x $app ]] || { echo "screenshots.sh: $app not built" >&2; exit 2; }
[[ -d $fixtures/images/oci-layout ]] || { echo "screenshots.sh: fixtures missing; run ctest -R fixtures in $build" >&2; exit 2; }
command -v xvfb-run >/dev/null || { echo "screenshots.sh: xvfb-run not installed (Debian: xvfb)" >&2; exit 2; }
mkdir -p "$out"

# A private settings folder, so that screenshots do not depend on (or change) the user's window layout.
export XDG_CONFIG_HOME=$(mktemp -d)
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
export QT_QPA_PLATFORM=xcb

xvfb-run -a -s "-screen 0 1600x1000x24" "$app" \
    --screenshot "$out" \
    --select "Files/Program Files/App/app.exe" \
    --hive-entry "Files/Windows/System32/config/SYSTEM" \
    --compare "$fixtures/roundtrip/original.tar.gz,$fixtures/roundtrip/reexport.tar.gz" \
    "$fixtures/images/oci-layout"
