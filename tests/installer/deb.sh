#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Linux package's acceptance test (issue 10):
#   tests/installer/deb.sh BUILD_DIR             build the DEB with cpack, unpack it and check what it holds
#   tests/installer/deb.sh BUILD_DIR --install   the same, then dpkg -i it, run layerscope-cli from PATH and remove it
#                                                again (what .ci/run does on the CI machine; needs root or sudo)
# Checks: the package's dependencies were worked out (shlibdeps), the desktop entry passes desktop-file-validate, the
# AppStream metainfo passes appstreamcli validate, and the unpacked CLI runs and names the project's version.
set -euo pipefail
build_dir=$(realpath "$1")
install=${2:-}

fail() {
    echo "deb: FAIL: $*" >&2
    exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A package folder of its own: ctest may run this beside anything else that uses the build folder.
cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$work" >"$work/cpack.log" 2>&1 || {
    cat "$work/cpack.log" >&2
    fail "cpack -G DEB"
}
deb=$(ls "$work"/layerscope_*.deb)
echo "deb: built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

depends=$(dpkg-deb -f "$deb" Depends)
echo "deb: Depends: $depends"
for library in libqt6core6 libqt6widgets6 libarchive13 libssl3 libzstd1; do
    grep -q "$library" <<<"$depends" || fail "the package does not depend on $library"
done

dpkg-deb -x "$deb" "$work/root"
for file in usr/bin/layerscope usr/bin/layerscope-cli usr/share/applications/layerscope.desktop \
    usr/share/icons/hicolor/scalable/apps/layerscope.svg usr/share/metainfo/io.github.layerscope.LayerScope.metainfo.xml; do
    [ -e "$work/root/$file" ] || fail "the package has no /$file"
done
desktop-file-validate "$work/root/usr/share/applications/layerscope.desktop" || fail "desktop-file-validate"
appstreamcli validate --no-net "$work/root/usr/share/metainfo/io.github.layerscope.LayerScope.metainfo.xml" ||
    fail "appstreamcli validate"
version=$(dpkg-deb -f "$deb" Version)
"$work/root/usr/bin/layerscope-cli" --version | grep -qF "$version" || fail "the unpacked layerscope-cli does not say $version"
grep -qF "<release version=\"$version\"" "$work/root/usr/share/metainfo/io.github.layerscope.LayerScope.metainfo.xml" ||
    fail "the metainfo has no release $version"

if [ "$install" = --install ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo dpkg -i "$deb"
    trap '$sudo dpkg -r layerscope >/dev/null || true; rm -rf "$work"' EXIT
    [ "$(command -v layerscope-cli)" = /usr/bin/layerscope-cli ] || fail "layerscope-cli is not on PATH from /usr/bin"
    layerscope-cli --version | grep -qF "$version" || fail "the installed layerscope-cli does not say $version"
    echo "deb: installed with dpkg -i; layerscope-cli $version runs from PATH"
fi
echo "deb: the package is complete and valid"
