# SPDX-License-Identifier: Apache-2.0
# Cross-compiling for 64-bit Windows with Debian's MinGW-w64 (posix threads, for std::thread) against the
# third-party SDK that scripts/windows-sdk builds. Used for the SDK's own libraries and for LayerScope.
#
#   cmake -S . -B build-win -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64.cmake -DLAYERSCOPE_WINSDK=DIR
#
# LAYERSCOPE_WINSDK (cache variable or environment) is the SDK's install prefix.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(LAYERSCOPE_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${LAYERSCOPE_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${LAYERSCOPE_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${LAYERSCOPE_MINGW_TRIPLE}-windres)

if(NOT LAYERSCOPE_WINSDK AND DEFINED ENV{LAYERSCOPE_WINSDK})
    set(LAYERSCOPE_WINSDK "$ENV{LAYERSCOPE_WINSDK}")
endif()
# Toolchain files are read again for every try_compile project; passing the variable on keeps them consistent.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES LAYERSCOPE_WINSDK)

# Everything the build links is searched for in MinGW's sysroot and the SDK only, never in the host's /usr;
# programs (moc, rcc, python3, makensis) come from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${LAYERSCOPE_MINGW_TRIPLE})
if(LAYERSCOPE_WINSDK)
    list(PREPEND CMAKE_FIND_ROOT_PATH "${LAYERSCOPE_WINSDK}")
    list(APPEND CMAKE_PREFIX_PATH "${LAYERSCOPE_WINSDK}")
    set(ENV{PKG_CONFIG_LIBDIR} "${LAYERSCOPE_WINSDK}/lib/pkgconfig")
    set(ENV{PKG_CONFIG_PATH} "")
endif()
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# The SDK's third-party libraries are static (one self-contained CLI, fewer DLLs to ship); only Qt is shared.
set(LAYERSCOPE_STATIC_DEPS ON CACHE BOOL "The third-party libraries are static libraries")
set(OPENSSL_USE_STATIC_LIBS ON)

# Test programs run under wine (scripts/test-windows); the wrapper finds the SDK's DLLs and a wine prefix.
if(LAYERSCOPE_WINSDK)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/wine-run;${LAYERSCOPE_WINSDK}")
endif()

# Qt's host tools (moc, rcc, uic) and Qt6HostInfo come from Debian's own Qt of the same version. Debian keeps
# CMake packages under the multiarch folder, which Qt does not guess (windows-cross-build.md, trap 1).
set(QT_HOST_PATH /usr)
set(QT_HOST_PATH_CMAKE_DIR /usr/lib/x86_64-linux-gnu/cmake)
