#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Packs square PNG images into one Windows .ico file (the exe's and the installer's icon).

    png-to-ico.py OUT.ico IN-16.png IN-32.png ... IN-256.png

Windows Vista and later read PNG-compressed icon images, so each PNG is stored as it is: a 6-byte ICONDIR, one
16-byte ICONDIRENTRY per image, then the PNG bytes. The size is read from the PNG's IHDR; 256 is written as 0, as
the format requires. Only the standard library is used, so no imaging package is needed at build time.
"""
import struct
import sys


def png_size(data, name):
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        sys.exit(f"png-to-ico: {name}: not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    if width != height or not 1 <= width <= 256:
        sys.exit(f"png-to-ico: {name}: {width}x{height}; icon images are square, at most 256 pixels")
    return width


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    images = []
    for name in argv[2:]:
        with open(name, "rb") as f:
            data = f.read()
        images.append((png_size(data, name), data))
    images.sort(key=lambda image: image[0])
    header = struct.pack("<HHH", 0, 1, len(images))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(images)
    entries = b""
    for size, data in images:
        side = size % 256  # 256 is stored as 0
        # width, height, palette colours, reserved, colour planes, bits per pixel, byte count, offset
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    with open(argv[1], "wb") as out:
        out.write(header + entries + b"".join(data for _, data in images))


if __name__ == "__main__":
    main(sys.argv)
