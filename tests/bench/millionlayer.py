#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes a Windows base layer with a million small entries, as an uncompressed tar on stdout (tests/bench/million.sh).

  millionlayer.py [--entries N] [--seed S] [--manifest FILE]

The shape of a real servercore export, scaled up: the four config directories and five valid empty hives, then
Files/Windows/System32 with N/20 files, then Files/Windows/WinSxS with one component directory per ~30 entries
(names of 70-110 bytes, like "amd64_microsoft-windows-…_31bf3856ad364e35_10.0.20348.1_none_<hex>") whose files
are regular files or, one in four, hard links to System32 files (§1.3: the first name written is the file, later
ones link to it), a few alternate data streams, WinSxS/Manifests with one long-named file per component, and a
junction and a symlink. Every entry has the records go-winio's backuptar writes through Go's archive/tar
(wcow-layer-format §1.4-§1.6): LIBARCHIVE.creationtime, MSWINDOWS.fileattr, MSWINDOWS.rawsd, atime, ctime and a
fractional mtime, sorted by key as Go sorts them, "path"/"linkpath" records for names over 100 bytes, a
"<dir>/PaxHeaders.0/<name>" extended header name, type-bits-only modes, two zero blocks at the end. File data are
0-511 bytes, so 1,000,000 entries make about 2.3 GB.

The headers are assembled here rather than by tests/fixtures/tarwriter.py (Python's tarfile), which takes ~400 µs
per entry, a quarter of an hour for a million; this takes ~15 µs. --manifest writes the entry counts a correct
reader must report. Standard library only, plus the fixture modules for descriptors and hives.
"""
import argparse
import base64
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures"))

import regfhive  # noqa: E402
import securitydescriptors as sds  # noqa: E402

NS = 1_000_000_000
BASE = 1_700_000_000 * NS + 123_456_700
ARCHIVE, DIRECTORY, REPARSE_POINT, HIDDEN, SYSTEM, READONLY = 0x20, 0x10, 0x400, 0x2, 0x4, 0x1
MODES = {"file": 0o100000, "stream": 0o100000, "directory": 0o040000, "symlink": 0o120000, "junction": 0o160000,
         "hardlink": 0o644}
TYPEFLAGS = {"file": b"0", "stream": b"0", "directory": b"5", "symlink": b"2", "junction": b"2", "hardlink": b"1"}
WORDS = ("shell", "kernel", "network", "storage", "graphics", "security", "audio", "print", "media", "update",
         "servicing", "directx", "wmi", "cryptography", "bluetooth", "input", "display", "power", "mui", "tcpip")
EXTS = (".dll", ".exe", ".mui", ".sys", ".cat", ".xml", ".dat", ".inf")
ZEROS = bytes(1024)


def pax_time(ns: int) -> bytes:
    """Go's formatPAXTime for non-negative times: integer seconds, or 9 fraction digits minus trailing zeros."""
    secs, frac = divmod(ns, NS)
    return b"%d" % secs if frac == 0 else (b"%d.%09d" % (secs, frac)).rstrip(b"0")


def pax_record(key: bytes, value: bytes) -> bytes:
    """POSIX: "<length> <key>=<value>\\n", the length counting its own digits."""
    body = b" " + key + b"=" + value + b"\n"
    n = len(body) + 1
    while len(b"%d" % n) + len(body) != n:
        n += 1
    return b"%d" % n + body


def ustar(name: bytes, mode: int, size: int, mtime: int, typeflag: bytes, linkname: bytes = b"") -> bytes:
    """One 512-byte ustar block as Go writes it: octal fields zero-padded and NUL-terminated, checksum last."""
    block = bytearray(512)
    block[0:len(name)] = name
    block[100:108] = b"%07o\0" % mode
    block[108:116] = b"0000000\0"
    block[116:124] = b"0000000\0"
    block[124:136] = b"%011o\0" % size
    block[136:148] = b"%011o\0" % mtime
    block[156:157] = typeflag
    block[157:157 + len(linkname)] = linkname
    block[257:265] = b"ustar\x0000"
    block[148:156] = b"        "
    block[148:156] = b"%06o\0 " % sum(block)
    return bytes(block)


class Writer:
    def __init__(self, sink, rng: random.Random):
        self.sink = sink
        self.rng = rng
        self.counts = {"entries": 0, "files": 0, "directories": 0, "symlinks": 0, "junctions": 0, "hardlinks": 0,
                       "whiteouts": 0, "streams": 0}
        self.file_bytes = 0
        self.tar_bytes = 0
        self.rawsd = {sd: base64.b64encode(sd.encode()) for sd in
                      (sds.PROTECTED_DIR, sds.SYSTEM32_DIR, sds.SYSTEM_FILE, sds.INHERITED_FILE, sds.HIVE_FILE)}
        self.pool = rng.randbytes(1 << 16)

    def write(self, data: bytes) -> None:
        self.sink.write(data)
        self.tar_bytes += len(data)

    def entry(self, path: str, kind: str, n: int, *, data: bytes = b"", sd=None, attributes=None, target: str = "",
              times=None) -> tuple:
        """Writes one entry; returns its (modified, accessed, changed) for links and streams to copy."""
        if times is None:
            modified = BASE + n * 1_000_100 + 300
            times = (modified, modified + 3_600 * NS + 100 * (n % 7), modified + 60 * NS)
        modified, accessed, changed = times
        name = path.encode()
        link = target.encode()
        records = []
        windows = kind not in ("hardlink", "stream")  # §1.4, §1.6: links and streams carry times only
        if windows:
            records.append((b"LIBARCHIVE.creationtime", pax_time(modified - 86_400 * NS - n * 100)))
            if attributes is None:
                attributes = DIRECTORY if kind == "directory" else ARCHIVE
            records.append((b"MSWINDOWS.fileattr", b"%d" % attributes))
            if kind == "junction":
                records.append((b"MSWINDOWS.mountpoint", b"1"))
            records.append((b"MSWINDOWS.rawsd", self.rawsd[sd or sds.INHERITED_FILE]))
        records.append((b"atime", pax_time(accessed)))
        records.append((b"ctime", pax_time(changed)))
        if len(link) > 100:
            records.append((b"linkpath", link))
        records.append((b"mtime", pax_time(modified)))
        if len(name) > 100:
            records.append((b"path", name))
        pax = b"".join(pax_record(k, v) for k, v in records)
        head, _, base = path.rpartition("/")
        pax_name = ((head + "/" if head else "") + "PaxHeaders.0/" + base).encode()[:100]
        self.write(ustar(pax_name, 0, len(pax), 0, b"x"))
        self.write(pax + ZEROS[:-len(pax) % 512])
        size = len(data)
        self.write(ustar(name[:100] if len(name) <= 100 else name[:100], MODES[kind], size, modified // NS,
                         TYPEFLAGS[kind], link if len(link) <= 100 else link[:100]))
        if size:
            self.write(data + ZEROS[:-size % 512])
        self.file_bytes += size
        self.counts["entries"] += 1
        self.counts[{"file": "files", "directory": "directories", "symlink": "symlinks", "junction": "junctions",
                     "hardlink": "hardlinks", "stream": "streams"}[kind]] += 1
        return times

    def data(self, n: int) -> bytes:
        size = self.rng.randrange(512)
        offset = self.rng.randrange(len(self.pool) - size)
        return (b"%08d" % n + self.pool[offset:offset + size])[:size]


def component_name(rng: random.Random, i: int) -> str:
    words = "-".join(rng.choice(WORDS) for _ in range(rng.randrange(2, 6)))
    return (f"{rng.choice(('amd64', 'wow64', 'msil', 'x86'))}_microsoft-windows-{words}_31bf3856ad364e35_"
            f"10.0.20348.{i % 2400}_none_{rng.getrandbits(64):016x}")


def generate(total: int, seed: int, sink) -> Writer:
    rng = random.Random(seed)
    w = Writer(sink, rng)
    n = 0

    def room() -> int:
        return total - w.counts["entries"]

    def add(path, kind, **kw):
        nonlocal n
        n += 1
        return w.entry(path, kind, n, **kw)

    config = "Files/Windows/System32/config"
    for path, sd in (("Files", sds.PROTECTED_DIR), ("Files/Windows", sds.SYSTEM32_DIR),
                     ("Files/Windows/System32", sds.SYSTEM32_DIR), (config, sds.SYSTEM32_DIR)):
        add(path, "directory", sd=sd)
    for hive in ("DEFAULT", "SAM", "SECURITY", "SOFTWARE", "SYSTEM"):
        add(f"{config}/{hive}", "file", sd=sds.HIVE_FILE, data=regfhive.empty_hive("ROOT", hive))

    # System32: the files WinSxS entries link to.
    system32 = []
    for i in range(min(room(), total // 20)):
        path = f"Files/Windows/System32/{rng.choice(WORDS)}{i:05d}{rng.choice(EXTS)}"
        times = add(path, "file", sd=sds.SYSTEM_FILE, data=w.data(n))
        system32.append((path, times))
    if room() > 0:
        add("Files/Windows/WinSxS", "directory", sd=sds.SYSTEM32_DIR)
    # Leave room for the Manifests folder (one file per component) and the two reparse points at the end.
    components = []

    def spare() -> int:
        return room() - 2 - 1 - len(components)

    while spare() >= 3:  # a component needs its folder, a file and its manifest
        component = component_name(rng, len(components))
        components.append(component)
        folder = f"Files/Windows/WinSxS/{component}"
        add(folder, "directory", sd=sds.SYSTEM32_DIR)
        for j in range(rng.randrange(5, 56)):
            if spare() <= 0:
                break
            path = f"{folder}/{rng.choice(WORDS)}{j:02d}{rng.choice(EXTS)}"
            if system32 and rng.randrange(4) == 0:
                target, times = system32[rng.randrange(len(system32))]
                add(path, "hardlink", target=target, times=times)
                continue
            times = add(path, "file", sd=sds.SYSTEM_FILE, attributes=ARCHIVE | (READONLY if j % 9 == 0 else 0),
                        data=w.data(n))
            if rng.randrange(500) == 0 and spare() > 0:
                add(path + ":Zone.Identifier", "stream", data=b"[ZoneTransfer]\r\nZoneId=3\r\n", times=times)
    if room() >= 3:
        add("Files/Windows/WinSxS/Manifests", "directory", sd=sds.SYSTEM32_DIR)
        for component in components:
            add(f"Files/Windows/WinSxS/Manifests/{component}.manifest", "file", sd=sds.SYSTEM_FILE, data=w.data(n))
    if room() >= 2:
        add("Files/Documents and Settings", "junction", sd=sds.SYSTEM32_DIR, attributes=DIRECTORY | REPARSE_POINT,
            target="C:\\Users")
        add("Files/Windows/explorer-link.exe", "symlink", sd=sds.INHERITED_FILE, attributes=ARCHIVE | REPARSE_POINT,
            target="System32\\" + system32[0][0].rsplit("/", 1)[1] if system32 else "explorer.exe")
    while room() > 0:  # tiny N: pad with plain directories
        add(f"Files/pad{n:06d}", "directory", sd=sds.INHERITED_FILE)
    w.write(ZEROS)
    return w


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--manifest")
    args = parser.parse_args()
    if args.entries < 10:
        parser.error("--entries must be at least 10 (the config directories and hives)")
    out = sys.stdout.buffer
    w = generate(args.entries, args.seed, out)
    out.flush()
    if args.manifest:
        Path(args.manifest).write_text(json.dumps({"counts": w.counts, "fileBytes": w.file_bytes,
                                                   "tarBytes": w.tar_bytes, "layout": "windows-base"}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
