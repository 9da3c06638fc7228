#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes an NTFS volume with many files for tests/bench/disk.sh: OUT.raw (the volume) and OUT.vhdx (the same as a
dynamic VHDX), plus OUT.json with the entry count. Folders of 1,000 empty files each, named like a WinSxS tree, one
hard link per folder, everything through libntfs-3g as tests/fixtures/ntfsdisks.py does (no mount; writing contents
would take a process per file). usage: bigntfs.py OUT FILES"""
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures"))
from ntfsdisks import Ntfs, convert  # noqa: E402

MIB = 1024 * 1024


def main():
    out, files = Path(sys.argv[1]), int(sys.argv[2])
    raw = out.with_suffix(".raw")
    folders = max(1, (files + 999) // 1000)
    # About 1.5 KiB of MFT and index per file, and room to spare.
    size = max(64 * MIB, (files * 3 * 1024 // MIB + 32) * MIB)
    with open(raw, "wb") as f:
        f.truncate(size)
    subprocess.run(["mkntfs", "-F", "-Q", "-q", str(raw)], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    ntfs = Ntfs(raw)
    for folder in ("Windows", "Windows/WinSxS"):
        ntfs.create(folder, True)
    entries = 2
    for d in range(folders):
        folder = f"Windows/WinSxS/amd64_component-{d:05d}"
        ntfs.create(folder, True)
        entries += 1
        for i in range(min(1000, files - d * 1000)):
            ntfs.create(f"{folder}/file-{i:04d}.dll", False)
            entries += 1
        ntfs.link(f"{folder}/link.dll", f"{folder}/file-0000.dll")
        entries += 1
    ntfs.close()
    convert(raw, out.with_suffix(".vhdx"), "vhdx")
    out.with_suffix(".json").write_text(json.dumps({"entries": entries}) + "\n")


if __name__ == "__main__":
    main()
