// SPDX-License-Identifier: Apache-2.0
#pragma once

// The libyal libraries LayerScope reads disks with, included in one place with the declarations it needs switched
// on: each library declares its *_open_file_io_handle function (which takes a libbfio handle) only when its
// features.h says it was built against an outside libbfio, and the builds LayerScope links have the functions but
// not all say so (Debian's libvhdi keeps its own libbfio inside; scripts/windows-sdk links the libraries statically).
#ifndef LIBVHDI_HAVE_BFIO
#define LIBVHDI_HAVE_BFIO 1
#endif
#ifndef LIBFSNTFS_HAVE_BFIO
#define LIBFSNTFS_HAVE_BFIO 1
#endif

#include <libbfio.h>
#include <libfsntfs.h>
#include <libvhdi.h>
