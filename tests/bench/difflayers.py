#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes one of the two large Windows layers tests/bench/diff.sh compares, as an uncompressed tar on stdout.

  difflayers.py a|b [--files N] [--seed S] [--manifest FILE]

Both layers hold the same ~N files (default 60000, about 1.3 GB) in 250 directories, written backuptar style
(PAX records MSWINDOWS.fileattr, MSWINDOWS.rawsd, LIBARCHIVE.creationtime, atime, ctime; wcow-layer-format §1.4,
§1.5) plus a few hard links and alternate data streams. Layer "b" differs from "a" in exactly 400 places:
300 real changes (100 contents, 50 security descriptors, 50 attributes, 50 removed and 50 added files) and
100 access-time changes, which the built-in rules explain. --manifest writes those counts as JSON.

File data are slices of one 8 MiB pool (alternating random and text-like 4 KiB blocks, so gzip gets ~2x), so
generation costs little more than writing the bytes. Standard library only, plus the fixture modules.
"""
import argparse
import json
import random
import sys
import tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures"))

import securitydescriptors as sds  # noqa: E402
from layerentries import ARCHIVE, DIRECTORY, NS, READONLY, Entry  # noqa: E402
from tarwriter import tarinfo_for  # noqa: E402

DIRS = 250
BASE = 1_700_000_000 * NS + 123_456_700
POOL_SIZE = 8 << 20
LARGE = 1 << 20


def make_pool(seed: int) -> bytes:
    rng = random.Random(seed)
    words = b"layer scope windows container image file data registry hive export import ".split()
    out = bytearray()
    block = 0
    while len(out) < POOL_SIZE:
        if block % 2 == 0:
            out += rng.randbytes(4096)
        else:
            text = bytearray()
            while len(text) < 4096:
                text += rng.choice(words) + b" "
            out += text[:4096]
        block += 1
    return bytes(out)


def plan(files: int, seed: int):
    """The entries of layer a: (path, kind, size, pool offset, n) in tar order (parents first)."""
    rng = random.Random(seed)
    per_dir = -(-files // DIRS)
    entries = [("Files", "directory", 0, 0, 0)]
    n = 1
    for d in range(DIRS):
        directory = f"Files/d{d:03d}"
        entries.append((directory, "directory", 0, 0, n))
        n += 1
        for f in range(per_dir):
            if (d * per_dir + f) >= files:
                break
            size = LARGE + rng.randrange(LARGE) if rng.randrange(100) == 0 else rng.randrange(512, 24 * 1024)
            entries.append((f"{directory}/file{f:04d}.bin", "file", size, rng.randrange(POOL_SIZE - size), n))
            n += 1
    return entries


def choose_changes(entries, seed: int):
    rng = random.Random(seed + 1)
    files = [i for i, e in enumerate(entries) if e[1] == "file"]
    picked = rng.sample(files, 400)
    return {"content": set(picked[0:100]), "sddl": set(picked[100:150]), "attributes": set(picked[150:200]),
            "removed": set(picked[200:250]), "atime": set(picked[250:350]), "links": picked[350:370],
            "streams": picked[370:390]}


def windows_entry(path, kind, n, data=b"", sd=None, attributes=None, accessed_extra=0, **kw):
    modified = BASE + n * 1_000_100
    if attributes is None:
        attributes = DIRECTORY if kind == "directory" else ARCHIVE
    return Entry(path, kind, data=data, attributes=attributes, sd=sd or sds.INHERITED_FILE,
                 created=BASE - 86_400 * NS + n * 100, modified=modified,
                 accessed=modified + 3_600 * NS + accessed_extra, changed=modified + 60 * NS, **kw)


def layer_entries(variant: str, files: int, seed: int, pool: bytes):
    entries = plan(files, seed)
    changes = choose_changes(entries, seed)
    view = memoryview(pool)
    b = variant == "b"
    out = []
    for i, (path, kind, size, offset, n) in enumerate(entries):
        if kind == "directory":
            out.append(windows_entry(path, kind, n))
            if b and path != "Files" and int(path[-3:]) < 50:
                # 50 added files, one at the start of each of the first 50 directories.
                out.append(windows_entry(f"{path}/added.txt", "file", n, data=b"added in b\r\n"))
            continue
        if b and i in changes["removed"]:
            continue
        data = view[offset:offset + size]
        if b and i in changes["content"]:
            changed = bytearray(data[:64])
            changed[0] ^= 0xFF
            data = bytes(changed) + bytes(data[64:])
        sd = sds.SYSTEM_FILE if b and i in changes["sddl"] else sds.INHERITED_FILE
        attributes = ARCHIVE | READONLY if b and i in changes["attributes"] else ARCHIVE
        extra = 77 * NS if b and i in changes["atime"] else 0
        entry = windows_entry(path, kind, n, data=data, sd=sd, attributes=attributes, accessed_extra=extra)
        out.append(entry)
        if i in changes["links"]:
            out.append(Entry(path + ".link", "hardlink", link_target=path, modified=entry.modified,
                             accessed=entry.accessed, changed=entry.changed))
        if i in changes["streams"]:
            out.append(Entry(path + ":Zone.Identifier", "stream", data=b"[ZoneTransfer]\r\nZoneId=3\r\n",
                             modified=entry.modified, accessed=entry.accessed, changed=entry.changed))
    return out


def write_tar(entries, sink) -> None:
    zeros = bytes(512)
    for e in entries:
        ti = tarinfo_for(e, "backuptar")
        sink.write(ti.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape"))
        if e.size:
            sink.write(e.data)
            pad = -e.size % 512
            if pad:
                sink.write(zeros[:pad])
    sink.write(bytes(1024))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variant", choices=("a", "b"))
    parser.add_argument("--files", type=int, default=60000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--manifest")
    args = parser.parse_args()
    pool = make_pool(args.seed)
    entries = layer_entries(args.variant, args.files, args.seed, pool)
    if args.manifest:
        Path(args.manifest).write_text(json.dumps({"entries": len(entries), "unexpected": 300, "expected": 100,
                                                   "bytes": sum(e.size for e in entries)}) + "\n")
    write_tar(entries, sys.stdout.buffer)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
