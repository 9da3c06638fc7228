# SPDX-License-Identifier: Apache-2.0
# Shared by scripts/run and scripts/test: install what the build and tests need (once), then configure and build.

LAYERSCOPE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$LAYERSCOPE_ROOT/build}

# Debian 12 packages: the build (compiler, CMake, Qt 6, libarchive, OpenSSL, zstd, ISA-L, nlohmann-json), the test
# tools (Python, hive validators, skopeo, bsdtar, igzip, qemu-img for VHD/VHDX disks), libvhdi/libfsntfs/libbfio for
# the NTFS inside disks and ntfs-3g's mkntfs/ntfscp/libntfs-3g to build test disks, the tar conformance corpora
# with Go's own reader to compare against (golang-go, golang-1.19-src, CPython's libpython3.11-testsuite) and a
# virtual display for the GUI; cpack's DEB tools and the validators of the desktop entry and AppStream metainfo.
LAYERSCOPE_PACKAGES=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-base-dev-tools libgl-dev
    libarchive-dev libssl-dev libzstd-dev zlib1g-dev libisal-dev nlohmann-json3-dev
    python3 python3-hivex libhivex-bin libregf-utils skopeo libarchive-tools isal zstd xz-utils bzip2
    libqt6svg6 xvfb xauth clang-format
    golang-go golang-1.19-src libpython3.11-testsuite qemu-utils
    libvhdi-dev libfsntfs-dev libbfio-dev ntfs-3g libfsntfs-utils
    file desktop-file-utils appstream
)

# The sanitizer and fuzzing tree (scripts/test --sanitize, scripts/fuzz, .ci/run): clang 16 with its ASan, UBSan and
# libFuzzer runtimes, and llvm-symbolizer for readable reports.
LAYERSCOPE_SANITIZE_PACKAGES=(clang-16 libclang-rt-16-dev llvm-16)
ASAN_BUILD_DIR=${ASAN_BUILD_DIR:-$LAYERSCOPE_ROOT/build-asan}

# install_packages [EXTRA_PACKAGE...]: LAYERSCOPE_PACKAGES plus the extra ones, whichever are missing.
install_packages() {
    local missing=()
    for pkg in "${LAYERSCOPE_PACKAGES[@]}" "$@"; do
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

# One tree for both the sanitized suite and the fuzz targets: clang 16, -fsanitize=address,undefined with every
# report fatal, the core library instrumented for libFuzzer's coverage feedback (tests/fuzz/CMakeLists.txt), -O1
# with line tables so that reports name lines.
build_sanitized() {
    if [ ! -f "$ASAN_BUILD_DIR/build.ninja" ]; then
        cmake -S "$LAYERSCOPE_ROOT" -B "$ASAN_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
            -DCMAKE_CXX_COMPILER=clang++-16 -DCMAKE_CXX_FLAGS_RELEASE="-O1 -gline-tables-only -DNDEBUG" \
            -DLAYERSCOPE_SANITIZE=ON -DLAYERSCOPE_FUZZ=ON
    fi
    cmake --build "$ASAN_BUILD_DIR" --parallel "$(nproc)"
}

# Every sanitizer report fails the process that made it (and so its test); leaks are reported except the ones listed
# in tests/sanitizers/lsan.supp (libraries outside this project).
sanitizer_environment() {
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=86:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
    export LSAN_OPTIONS="suppressions=$LAYERSCOPE_ROOT/tests/sanitizers/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
    if command -v llvm-symbolizer-16 >/dev/null; then
        export ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer-16)
    fi
}
