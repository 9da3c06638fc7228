# SPDX-License-Identifier: Apache-2.0
# Shared by scripts/run and scripts/test: install what the build and tests need (once), then configure and build.

LAYERSCOPE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$LAYERSCOPE_ROOT/build}

# Debian 12 packages: the build (compiler, CMake, Qt 6, libarchive, OpenSSL, zstd, ISA-L, nlohmann-json), the test
# tools (Python, hive validators, skopeo, bsdtar, igzip, qemu-img for VHD/VHDX disks), the tar conformance corpora
# with Go's own reader to compare against (golang-go, golang-1.19-src, CPython's libpython3.11-testsuite) and a
# virtual display for the GUI.
LAYERSCOPE_PACKAGES=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-base-dev-tools libgl-dev
    libarchive-dev libssl-dev libzstd-dev zlib1g-dev libisal-dev nlohmann-json3-dev
    python3 python3-hivex libhivex-bin libregf-utils skopeo libarchive-tools isal zstd xz-utils bzip2
    libqt6svg6 xvfb xauth clang-format
    golang-go golang-1.19-src libpython3.11-testsuite qemu-utils
)

install_packages() {
    local missing=()
    for pkg in "${LAYERSCOPE_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
    if [ ! -f "$BUILD_DIR/build.ninja" ]; then
        cmake -S "$LAYERSCOPE_ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
    fi
    cmake --build "$BUILD_DIR" --parallel "$(nproc)"
}
