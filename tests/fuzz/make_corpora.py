#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Seed corpora for the fuzz targets (tests/fuzz/fuzz_<name>.cpp), made from the generated fixtures and the real
data in ../shared/realdata:

    make_corpora.py FIXTURE_DIR SHARED_DIR OUTDIR      ->  OUTDIR/<target>/<seed>

Each seed is in the input format its harness documents. Runs in well under a second and rewrites OUTDIR/<target>
only when a seed changed, so libFuzzer's own additions to a corpus (scripts/fuzz keeps them in a separate folder)
are never mixed in here. Python 3 standard library only.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import re
import struct
import sys
import tarfile
from pathlib import Path

KIB = 1024
SEPARATOR = "\n---\n"


class Corpus:
    def __init__(self, out: Path):
        self.out = out
        self.seeds: dict[str, dict[str, bytes]] = {}

    def add(self, target: str, data: bytes | str, name: str | None = None) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        name = name or hashlib.sha1(data).hexdigest()[:16]
        self.seeds.setdefault(target, {})[re.sub(r"[^A-Za-z0-9._-]", "_", name)] = data

    def write(self) -> None:
        for target, seeds in sorted(self.seeds.items()):
            folder = self.out / target
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.iterdir():
                if old.name not in seeds:
                    old.unlink()
            for name, data in seeds.items():
                path = folder / name
                if not path.exists() or path.read_bytes() != data:
                    path.write_bytes(data)


def plain_tar(path: Path) -> bytes | None:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError):
            return None
    return data if path.suffix == ".tar" else None


def tar_members(data: bytes) -> list[tuple[tarfile.TarInfo, bytes]]:
    out = []
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            last = -1
            while len(out) < 5000:
                info = tar.next()
                # negative-size.tar makes tarfile step backwards forever: stop when the offset does not advance.
                if info is None or info.offset <= last:
                    break
                last = info.offset
                content = tar.extractfile(info).read() if info.isfile() else b""
                out.append((info, content))
    except (tarfile.TarError, OSError, EOFError):
        pass  # the deliberately broken fixtures: whatever was read before the break is enough
    return out


# --- layers --------------------------------------------------------------------------------------------------------

def layer_seeds(corpus: Corpus, fixtures: Path, shared: Path) -> list[bytes]:
    files = sorted(p for p in fixtures.rglob("*") if p.is_file() and re.search(r"\.(tar|tar\.gz|tar\.zst|tar\.xz|tar\.bz2|blob)$", p.name))
    files += sorted((shared / "realdata" / "layers").glob("*.tar")) if (shared / "realdata").is_dir() else []
    tars = []
    for path in files:
        data = path.read_bytes()
        if len(data) > 512 * KIB:  # oversized-pax.tar: its point is size; the harness limits are tested elsewhere
            continue
        corpus.add("tar", data, str(path.relative_to(path.parents[len(path.relative_to(fixtures).parts) - 1]) if path.is_relative_to(fixtures) else path.name))
        plain = plain_tar(path)
        if plain is not None and len(plain) <= 512 * KIB:
            corpus.add("tar_gzip", plain, path.name)
            corpus.add("tarreader", plain, path.name)
            tars.append(plain)
    return tars


def pax_seeds(corpus: Corpus, tars: list[bytes]) -> None:
    seen = set()
    for data in tars:
        for info, _ in tar_members(data):
            if not info.pax_headers:
                continue
            lines = "".join(f"{k}={v}\n" for k, v in info.pax_headers.items())
            if lines not in seen:
                seen.add(lines)
                corpus.add("paxvalues", lines)
            raw = info.pax_headers.get("MSWINDOWS.rawsd")
            if raw:
                try:
                    corpus.add("sd_binary", base64.b64decode(raw))
                except ValueError:
                    pass
    for value in ["1700000000", "1700000000.123456789", "-1.5", "0.000000001", "9223372036854775807",
                  "-9223372036854775807.999999999", "2024-01-02T03:04:05.123456700Z", "1601-01-01T00:00:00Z",
                  "+10000-01-01T00:00:00Z", "2024-02-29T23:59:59+01:00", "32", "4294967295", "1040", "0"]:
        corpus.add("paxvalues", f"mtime={value}\nLIBARCHIVE.creationtime={value}\nMSWINDOWS.fileattr={value}\n")
    corpus.add("paxvalues", "path=Files/a:stream:$DATA\nMSWINDOWS.sd=O:BAG:SYD:(A;;FA;;;SY)\n")
    corpus.add("paxvalues", "typeflag=2\nlinkpath=C:\\ProgramData\nMSWINDOWS.mountpoint=1\nMSWINDOWS.xattr.user.x=AQID\n")


def sddl_seeds(corpus: Corpus, fixtures: Path) -> None:
    manifest = json.loads((fixtures / "manifest.json").read_text())
    seen = set()
    for fixture in manifest["fixtures"].values():
        for entry in fixture.get("entries", {}).values():
            sddl = entry.get("sddl")
            if sddl and sddl not in seen:
                seen.add(sddl)
                corpus.add("sddl", sddl)
    for sddl in ["O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;OICIIO;GA;;;CO)(A;;0x1200a9;;;BU)S:(AU;SAFA;FA;;;WD)",
                 "D:NO_ACCESS_CONTROL", "S:AINO_ACCESS_CONTROL", "O:S-1-0x000100000000-7D:(A;;FA;;;WD)",
                 "D:(OA;CI;CC;bf967aba-0de6-11d0-a285-00aa003049e2;bf967aba-0de6-11d0-a285-00aa003049e2;AO)",
                 "D:(XA;;FA;;;WD;0x61727478)", "S:(ML;OICI;NWNRNX;;;HI)", "D:(0x04;OI;0xaabbccdd01020304)",
                 "O:S-1-5-21-1-2-3-500G:S-1-5-93-2-1D:P(D;;0x1f01ff;;;AN)"]:
        corpus.add("sddl", sddl)


def hive_seeds(corpus: Corpus, tars: list[bytes], fixtures: Path, shared: Path) -> None:
    for data in tars:
        for info, content in tar_members(data):
            if content[:4] == b"regf":
                corpus.add("hive", content)
    for path in sorted(fixtures.rglob("*")):
        if path.is_file() and path.stat().st_size <= 1024 * KIB and path.read_bytes()[:4] == b"regf":
            corpus.add("hive", path.read_bytes())
    realdata = shared / "realdata" / "hives"
    if realdata.is_dir():
        for path in sorted(realdata.iterdir()):
            corpus.add("hive", path.read_bytes(), "realdata-" + path.name)


# --- image sources: one text per source (fuzzsupport::imageStore) ----------------------------------------------------

DIGEST = re.compile(rb"sha256:([0-9a-f]{64})")


def image_text(files: dict[str, bytes]) -> bytes:
    """Files of a source -> "--- NAME\\n" parts; JSON blobs become "@x" parts whose digests, paths and sizes are
    written as @x / %x / #x, ordered so that every blob comes after the files that name it."""
    json_blobs = {}
    for name, data in files.items():
        m = re.fullmatch(r"(?:blobs/sha256/)?([0-9a-f]{64})(\.json)?", name)
        if m and data[:1] in (b"{", b"["):
            json_blobs[m.group(1)] = (name, data)
    letters = {}
    order = []

    def visit(hexdigest: str) -> None:
        if hexdigest in letters or hexdigest not in json_blobs or len(letters) >= 50:
            return
        letters[hexdigest] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"[len(letters)]
        for child in DIGEST.findall(json_blobs[hexdigest][1]):
            visit(child.decode())
        order.append(hexdigest)

    roots = {n: d for n, d in files.items() if not re.fullmatch(r"(?:blobs/sha256/)?[0-9a-f]{64}(\.json)?", n)}
    for data in roots.values():
        for child in DIGEST.findall(data):
            visit(child.decode())
    for name, data in roots.items():
        for child in re.findall(rb"([0-9a-f]{64})\.json", data):
            visit(child.decode())

    def rewrite(data: bytes) -> bytes:
        def sub(m: re.Match) -> bytes:
            letter = letters.get(m.group(1).decode())
            return ("@" + letter).encode() if letter else m.group(0)
        data = DIGEST.sub(sub, data)
        for hexdigest, letter in letters.items():
            name = json_blobs[hexdigest][0]
            data = data.replace(name.encode(), ("%" + letter).encode())
            # A size equal to the blob's next to its digest: good enough for seeds (sizes rarely collide).
            if b'"@' + letter.encode() + b'"' in data:
                size = str(len(json_blobs[hexdigest][1])).encode()
                data = re.sub(rb'("size":\s*)' + size + rb'(?![0-9])', rb"\g<1>#" + letter.encode(), data)
        return data

    parts = []
    for name, data in sorted(roots.items()):
        if len(data) <= 64 * KIB and not re.search(r"\.tar|layer|/[0-9a-f]{64}$", name):
            parts.append(b"--- " + name.encode() + b"\n" + rewrite(data))
    # Reverse post-order: a blob after every blob that names it.
    for hexdigest in reversed(order):
        name = json_blobs[hexdigest][0]
        suffix = ".json" if name.endswith(".json") else ""
        parts.append(b"--- @" + letters[hexdigest].encode() + suffix.encode() + b"\n" + rewrite(json_blobs[hexdigest][1]))
    return b"\n".join(parts)


def folder_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.stat().st_size <= 64 * KIB}


def tar_files(data: bytes) -> dict[str, bytes]:
    return {info.name: content for info, content in tar_members(data) if info.isfile() and len(content) <= 64 * KIB}


def image_seeds(corpus: Corpus, fixtures: Path) -> None:
    images = fixtures / "images"
    for layout in sorted(p.parent for p in images.rglob("oci-layout")):
        if "blobs" in layout.parts:
            continue
        corpus.add("oci", image_text(folder_files(layout)), layout.name)
    for archive in ["oci-archive.tar"]:
        corpus.add("oci", image_text(tar_files((images / archive).read_bytes())), archive)
    for archive in ["docker-legacy.tar", "docker-oci.tar"]:
        corpus.add("docker", image_text(tar_files((images / archive).read_bytes())), archive)
    escape = images / "bad" / "docker-escape"
    if escape.is_dir():
        corpus.add("docker", image_text(folder_files(escape)), "docker-escape")
    corpus.add("docker", '--- manifest.json\n[{"Config":"c.json","RepoTags":["a:b"],"Layers":["l/layer.tar"]}]\n'
                         '--- c.json\n{"os":"windows","rootfs":{"type":"layers","diff_ids":["sha256:' + "0" * 64 + '"]}}')


def layerchain_seeds(corpus: Corpus, fixtures: Path) -> None:
    win = "C:\\\\ProgramData\\\\docker\\\\windowsfilter\\\\"
    chains = [
        ("null",),
        ("[]",),
        (f'["{win}p1"]', "null"),
        (f'["{win}p1","{win}p2"]', f'["{win}p2"]', "null"),
        (f'["{win}p1"]', f'["{win}top"]'),  # a loop
        (f'["{win}top"]',),  # names itself
        ('["../p1"]', '["../../../../etc"]'),
        ('["/"]',),
        ('["p1","p1"]',),
    ]
    for chain in chains:
        corpus.add("layerchain", SEPARATOR.join(chain))
    for path in sorted((fixtures / "images").rglob("layerchain.json")):
        corpus.add("layerchain", path.read_bytes(), "fixture-" + path.parent.name[:8])


def vhdx_compact(data: bytes) -> bytes:
    """A VHDX file -> the harness's pieces: 4 KiB at 0, 64, 128, 192 and 256 KiB, 2 MiB, then 4 KiB pieces from
    2 MiB + 64 KiB (where the metadata items of a Hyper-V-made file lie)."""
    def piece(at: int) -> bytes:
        return data[at:at + 4 * KIB].ljust(4 * KIB, b"\0")
    out = b"".join(piece(at * KIB) for at in (0, 64, 128, 192, 256, 2048))
    out += piece(2112 * KIB) + piece(2116 * KIB)
    # An even last byte asks the harness to fill in the checksums.
    return out.rstrip(b"\0") + b"\0" if out.endswith(b"\0") else out + b"\0"


def vhdx_seeds(corpus: Corpus, fixtures: Path) -> None:
    for path in sorted((fixtures / "images").rglob("*.vhdx")):
        corpus.add("vhdx", vhdx_compact(path.read_bytes()), path.name)


def vhdxlog_seeds(corpus: Corpus) -> None:
    """Logs in fuzz_vhdxlog's format (LogGuid, then the log), written by the disk fixtures' own log writer: the
    crash-like log of logged.vhdx (two active entries, a torn one, an older sequence, another log's entry), a log
    whose one sequence wraps round its end, and one with a sequence too many descriptors for its first sector."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures"))
    from ntfsdisks import log_entry  # the stdlib-only half of the disk generator
    guid, other = bytes(range(1, 17)), bytes(range(17, 33))
    log_size, file_end = 64 * KIB, 64 * KIB + 64 * KIB  # the harness puts 64 KiB of file after the log

    def log_with(entries: list[tuple[int, bytes]], torn: bool = False) -> bytes:
        log = bytearray(log_size)
        for position, entry in entries:
            for i, b in enumerate(entry):
                log[(position + i) % log_size] = b
        assert not log[-1] & 1  # an even last byte: the harness fills in checksums (the same ones, for valid entries)
        # For a torn entry to stay torn, one more, odd byte (the log grows by a sector, which only the wrapping seed
        # minds).
        return guid + bytes(log) + (b"\1" if torn else b"")

    first = log_entry(guid, 10, 0, [(log_size, 3 * 4 * KIB)], [(log_size + 4 * KIB, b"\xcd" * 4 * KIB)],
                      file_end, file_end + 4 * KIB)
    second = log_entry(guid, 11, 0, [], [(log_size + i * 4 * KIB, bytes([i]) * 4 * KIB) for i in range(3)],
                       file_end, file_end + 4 * KIB)
    torn = bytearray(log_entry(guid, 12, 0, [], [(log_size, b"\xee" * 4 * KIB)], file_end, file_end))
    torn[-100] ^= 0xFF
    corpus.add("vhdxlog", log_with([(0, first), (len(first), second), (len(first) + len(second), bytes(torn)),
                                    (32 * KIB, log_entry(guid, 3, 32 * KIB, [], [(0, b"\xab" * 4 * KIB)], 0, 0)),
                                    (48 * KIB, log_entry(other, 50, 48 * KIB, [], [], 0, 0))], torn=True), "crash")
    wrap_at = log_size - 4 * KIB
    a = log_entry(guid, 7, wrap_at, [(file_end, 8 * KIB)], [(4 * KIB, b"\x11" * 4 * KIB)], 0, file_end + 8 * KIB)
    b = log_entry(guid, 8, wrap_at, [], [(file_end + 4 * KIB, b"\x22" * 4 * KIB)], 0, 0)
    corpus.add("vhdxlog", log_with([(wrap_at, a), ((wrap_at + len(a)) % log_size, b)]), "wrapping")
    many = log_entry(guid, 1, 0, [(log_size + (i % 16) * 4 * KIB, 4 * KIB) for i in range(130)], [], 0, 0)
    corpus.add("vhdxlog", log_with([(0, many)]), "many-descriptors")


def ntfs_seeds(corpus: Corpus, fixtures: Path) -> None:
    """The small NTFS volume tests/fixtures/ntfsdisks.py writes (only where disks are built)."""
    seed = fixtures / "ntfs" / "seed-volume.raw"
    if seed.exists():
        corpus.add("ntfs", seed.read_bytes(), seed.name)
        ntfsrecord_seeds(corpus, seed.read_bytes())


def ntfsrecord_seeds(corpus: Corpus, volume: bytes) -> None:
    """fuzz_ntfsrecord's inputs: the seed volume's file records in use (the MFT's first run, as mkntfs lays it out,
    selector 0: the harness rewrites the update sequence numbers, which these already hold) and its $Secure:$SDS
    entries (selector 1), found by their own header: hash, id, offset equal to where they lie, length."""
    import struct
    sector, per_cluster = struct.unpack_from("<HB", volume, 0x0B)
    cluster = sector * per_cluster
    mft = struct.unpack_from("<Q", volume, 0x30)[0] * cluster
    per_record = struct.unpack_from("<b", volume, 0x40)[0]
    record_size = per_record * cluster if per_record > 0 else 1 << -per_record
    for number in range(64):
        record = volume[mft + number * record_size: mft + (number + 1) * record_size]
        if record[:4] == b"FILE" and struct.unpack_from("<H", record, 0x16)[0] & 1:
            corpus.add("ntfsrecord", b"\0" + record, f"record-{number}")
    for at in range(0, len(volume) - 20, 16):
        if struct.unpack_from("<Q", volume, at + 8)[0] == 0 and volume[at + 20: at + 22] == b"\1\0" \
                and 20 < struct.unpack_from("<I", volume, at + 16)[0] < 4096 and volume[at + 4: at + 8] == b"\0\1\0\0":
            corpus.add("ntfsrecord", b"\1" + volume[at: at + 4096], "sds")
            break


def rules_seeds(corpus: Corpus) -> None:
    corpus.add("diffrules", '[{"name": "temp-files", "glob": "Files/Windows/Temp/**", "fields": ["content", '
                            '"modified"], "kinds": ["changed", "added"], "reason": "scratch data written by the build"}]')
    corpus.add("diffrules", '{"rules": [{"name": "a.b_c-1", "globs": ["**/*.bak", "Hives/*_Delta"], "fields": "*", '
                            '"reason": "r"}, {"name": "x", "glob": "\\\\*", "kinds": ["removed"], "reason": "y"}]}')
    corpus.add("diffrules", '[{"name": "bcd", "glob": "x", "reason": "duplicate of a built-in name"}]')
    corpus.add("diffrules", '[{"name": "t", "glob": "a", "reason": "r", "fields": ["sddl", "created", "accessed", '
                            '"changed", "mode", "linkTarget", "xattrs", "streams", "hardlinkGroup", "size", "type", '
                            '"attributes"]}]')
    for pattern, path in [("Files/Windows/Temp/**", "Files/Windows/Temp/a/b"), ("**/*.bak", "x.bak"),
                          ("Hives/*_Delta", "Hives/DefaultUser_Delta"), ("a?c", "abc"), ("\\*", "*"),
                          ("**/**/**/a", "b/c/d/e/a"), ("*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
                          ("Files/日本語/*.txt", "files/日本語/x.TXT"), ("UtilityVM/Files/EFI/Microsoft/Boot/BCD.LOG*",
                                                                     "UtilityVM/Files/EFI/Microsoft/Boot/BCD.LOG1")]:
        corpus.add("pathglob", pattern + "\n" + path)


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    fixtures, shared, out = (Path(a) for a in sys.argv[1:])
    corpus = Corpus(out)
    tars = layer_seeds(corpus, fixtures, shared)
    pax_seeds(corpus, tars)
    sddl_seeds(corpus, fixtures)
    hive_seeds(corpus, tars, fixtures, shared)
    image_seeds(corpus, fixtures)
    layerchain_seeds(corpus, fixtures)
    vhdx_seeds(corpus, fixtures)
    vhdxlog_seeds(corpus)
    ntfs_seeds(corpus, fixtures)
    rules_seeds(corpus)
    corpus.write()
    for target, seeds in sorted(corpus.seeds.items()):
        print(f"{target}: {len(seeds)} seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
