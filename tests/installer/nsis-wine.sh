#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Windows installer's acceptance test (issue 10), under wine64:
#   tests/installer/nsis-wine.sh INSTALLER.exe LINUX_CLI
# installs silently into a folder whose name has a space and a non-ASCII letter, runs the *installed*
# layerscope-cli.exe with nothing but the installed folder to find its DLLs in, checks that make-base writes the same
# bytes as the Linux build and that inspect reads them alike, then uninstalls silently and checks that the folder, the
# Start-menu entry and the uninstall registry key are gone. It works in a copy of the wine prefix cmake/wine-run
# keeps, so nothing it installs outlives it.
set -euo pipefail
installer=$(realpath "$1")
linux_cli=$(realpath "$2")

shared_prefix=${LAYERSCOPE_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/layerscope/wine64}
[ -f "$shared_prefix/system.reg" ] || { echo "nsis-wine: no wine prefix at $shared_prefix (run scripts/test-windows)" >&2; exit 2; }
work=$(mktemp -d)
trap 'WINEPREFIX=$work/prefix /usr/lib/wine/wineserver -k 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
cp -a "$shared_prefix" "$work/prefix"
export WINEPREFIX=$work/prefix WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES=mscoree,mshtml=
unset WINEPATH
wine=/usr/lib/wine/wine64
wineserver=/usr/lib/wine/wineserver

fail() {
    echo "nsis-wine: FAIL: $*" >&2
    exit 1
}

# Windows and Unix views of the install folder: wineboot maps C: to drive_c.
install_win='C:\LayerScope Tést'
install_unix="$WINEPREFIX/drive_c/LayerScope Tést"
out_unix="$WINEPREFIX/drive_c/out"
mkdir -p "$out_unix"

echo "nsis-wine: installing $(basename "$installer") silently into $install_win"
# NSIS takes /D= verbatim to the end of the command line, spaces included, and refuses quotes around it, which wine
# would add to an argument with a space: cmd passes the line on as written.
cp "$installer" "$WINEPREFIX/drive_c/setup.exe"
"$wine" cmd /c "C:\setup.exe /S /D=$install_win"
"$wineserver" -w
[ -x "$install_unix/bin/layerscope-cli.exe" ] || fail "no bin/layerscope-cli.exe in $install_unix"
[ -f "$install_unix/bin/platforms/qwindows.dll" ] || fail "the Qt platform plugin was not installed"
[ -f "$install_unix/Uninstall.exe" ] || fail "no Uninstall.exe"
grep -q 'Uninstall\\\\LayerScope' "$WINEPREFIX/system.reg" || fail "no uninstall key in the registry"
find "$WINEPREFIX/drive_c" -path '*Start Menu*' -iname 'LayerScope*.lnk' | grep -q . || fail "no Start-menu entry"

# The installed CLI against the Linux build: the same reproducible base layer, byte for byte.
cli="$install_unix/bin/layerscope-cli.exe"
"$wine" "$cli" --version | tr -d '\r' | grep -q . || fail "layerscope-cli.exe --version printed nothing"
"$wine" "$cli" make-base -o 'C:\out\base.tar' --timestamp 2024-01-01T00:00:00Z
"$linux_cli" make-base -o "$work/base.tar" --timestamp 2024-01-01T00:00:00Z
windows_digest=$(sha256sum <"$out_unix/base.tar" | cut -d' ' -f1)
linux_digest=$(sha256sum <"$work/base.tar" | cut -d' ' -f1)
[ "$windows_digest" = "$linux_digest" ] || fail "make-base differs: Windows sha256:$windows_digest, Linux sha256:$linux_digest"
echo "nsis-wine: make-base agrees with the Linux build: sha256:$windows_digest"

# inspect --json names the file it read (its top-level "path"); everything else must agree.
"$wine" "$cli" inspect --json 'C:\out\base.tar' | tr -d '\r' >"$work/windows.json"
"$linux_cli" inspect --json "$work/base.tar" >"$work/linux.json"
python3 - "$work/windows.json" "$work/linux.json" <<'EOF' || fail "inspect --json differs between the Windows and the Linux build"
import json, sys
windows, linux = (json.load(open(path)) for path in sys.argv[1:3])
assert windows.pop("path") == "C:\\out\\base.tar", "Windows path"
linux.pop("path")
if windows != linux:
    sys.exit(f"Windows: {windows}\nLinux:   {linux}")
EOF
echo "nsis-wine: inspect --json agrees with the Linux build"

echo "nsis-wine: uninstalling silently"
# The uninstaller copies itself to a temporary folder and runs from there, so that it can delete itself too;
# wineserver -w waits for that copy as well.
"$wine" "$install_unix/Uninstall.exe" /S
"$wineserver" -w
[ ! -e "$install_unix" ] || fail "left behind: $(find "$install_unix" | head -5 | tr '\n' ' ')"
! find "$WINEPREFIX/drive_c" -path '*Start Menu*' -iname 'LayerScope*' | grep -q . || fail "the Start-menu entry is still there"
! grep -q 'Uninstall\\\\LayerScope' "$WINEPREFIX/system.reg" || fail "the uninstall registry key is still there"
echo "nsis-wine: installed, ran and uninstalled cleanly"
