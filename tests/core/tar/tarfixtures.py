#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Test archives for tst_tar, written by Python's tarfile (an independent implementation), and JSON dumps of what
tarfile reads back, which the C++ test cross-checks against layerscope::tar::TarReader.

  tarfixtures.py make <dir>         writes <name>.tar and <name>.json for every archive below
  tarfixtures.py dump <tar> <json>  dumps an existing archive (used to check what TarWriter writes)

The JSON holds, per member: path, type, size, linkname, mtime, uid, gid, uname, gname, mode, the SHA-256 of its
data, and its pax_headers as [key hex, value hex] pairs (hex keeps non-UTF-8 bytes exact); plus the archive's
global records.
"""
import hashlib
import io
import json
import sys
import tarfile
from pathlib import Path

# A 52-byte self-relative security descriptor as imgutil writes it (wcow-layer-format §3.2), base64.
RAWSD = "AQAAgBQAAAAkAAAAAAAAAAAAAAABAgAAAAAABSAAAAAgAgAAAQIAAAAAAAUgAAAAIAIAAA=="


def data_of(size: int, seed: int) -> bytes:
    return bytes((i * 7 + seed) % 251 for i in range(size))


def windows_records(attr: str, creation: str) -> dict:
    return {"MSWINDOWS.fileattr": attr, "MSWINDOWS.rawsd": RAWSD, "LIBARCHIVE.creationtime": creation}


def add(tf, name, kind=tarfile.REGTYPE, data=b"", pax=None, **fields):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mtime = fields.pop("mtime", 1700000000)
    info.mode = fields.pop("mode", 0o644 if kind == tarfile.REGTYPE else 0o755)
    for key, value in fields.items():
        setattr(info, key, value)
    if pax:
        info.pax_headers = dict(pax)
    if kind == tarfile.REGTYPE:
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    else:
        tf.addfile(info)


def make_pax(path: Path):
    long_dir = "Files/" + "/".join(f"directory{i:02d}" for i in range(12))
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tf:
        add(tf, "Files", tarfile.DIRTYPE, pax=windows_records("16", "1600000000"))
        add(tf, "Files/hello.txt", data=b"hello world\n",
            pax=windows_records("32", "1700000000.1234567") | {"atime": "1700000001.5", "ctime": "1700000002"})
        add(tf, "Files/\u00dcn\u00efc\u00f6d\u00e9 \u30d5\u30a1\u30a4\u30eb.txt", data=b"unicode\n",
            pax=windows_records("32", "1700000000"))
        add(tf, long_dir, tarfile.DIRTYPE, pax=windows_records("16", "1700000000"))
        add(tf, long_dir + "/" + "a-rather-long-file-name-" * 4 + ".bin", data=data_of(5000, 3),
            pax=windows_records("32", "1700000000"))
        add(tf, "Files/big.bin", data=data_of(3 * 1024 * 1024 + 17, 5), pax=windows_records("32", "1700000000"))
        add(tf, "Files/hardlink.txt", tarfile.LNKTYPE, linkname="Files/hello.txt", mode=0o644,
            pax=windows_records("32", "1700000000"))
        add(tf, "Files/junction", tarfile.SYMTYPE, linkname="C:\\Windows\\System32",
            pax=windows_records("1040", "1700000000") | {"MSWINDOWS.mountpoint": "1"})
        add(tf, "Files/xattr.txt", data=b"x",
            pax={"MSWINDOWS.xattr.user.test": "AAECAw==", "comment": "two\nlines=and an equals sign"})
        add(tf, "Files/old.txt", data=b"before 1970\n", mtime=-1000)
        add(tf, "Files/bigowner.txt", data=b"owner\n", uid=3000000, gid=3000001, uname="u" * 40, gname="g")
        add(tf, "Files/empty.txt")


def make_pax_global(path: Path):
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT,
                      pax_headers={"comment": "global comment", "uname": "globaluser"}) as tf:
        add(tf, "a.txt", data=b"a\n")
        add(tf, "b.txt", data=b"b\n", pax={"uname": "own"})


def make_gnu(path: Path):
    long_name = "gnu/" + "long-directory-name/" * 6 + "file.txt"
    with tarfile.open(path, "w", format=tarfile.GNU_FORMAT) as tf:
        add(tf, "gnu", tarfile.DIRTYPE)
        add(tf, long_name, data=b"gnu long name\n")
        add(tf, "gnu/symlink", tarfile.SYMTYPE, linkname="../" + "target-" * 20)
        add(tf, "gnu/bigid.txt", data=b"big\n", uid=3000000, gid=9000000000)
        add(tf, "gnu/negative.txt", data=b"neg\n", mtime=-86400 * 365)


def make_ustar(path: Path):
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as tf:
        add(tf, "ustar", tarfile.DIRTYPE)
        add(tf, "ustar/" + "p" * 90 + "/" + "n" * 90, data=b"prefix split\n")
        add(tf, "ustar/plain.txt", data=data_of(1024, 1))


def pax_pairs(headers: dict) -> list:
    def raw(text: str) -> str:
        return text.encode("utf-8", "surrogateescape").hex()

    return [[raw(key), raw(value)] for key, value in headers.items()]


def dump(tar_path: Path, json_path: Path):
    members = []
    with tarfile.open(tar_path, "r:") as tf:
        for member in tf:
            data = b""
            if member.isreg():
                data = tf.extractfile(member).read()
            members.append({
                "path": member.name,
                "type": member.type.decode("latin-1"),
                "size": member.size,
                "linkname": member.linkname,
                "mtime": member.mtime,
                "uid": member.uid,
                "gid": member.gid,
                "uname": member.uname,
                "gname": member.gname,
                "mode": member.mode,
                "sha256": hashlib.sha256(data).hexdigest(),
                "pax": pax_pairs(member.pax_headers),
            })
        global_records = pax_pairs(tf.pax_headers)
    json_path.write_text(json.dumps({"members": members, "globals": global_records}, indent=1))


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "make":
        out = Path(sys.argv[2])
        out.mkdir(parents=True, exist_ok=True)
        for name, maker in (("pax", make_pax), ("pax_global", make_pax_global), ("gnu", make_gnu),
                            ("ustar", make_ustar)):
            maker(out / f"{name}.tar")
            dump(out / f"{name}.tar", out / f"{name}.json")
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "dump":
        dump(Path(sys.argv[2]), Path(sys.argv[3]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
