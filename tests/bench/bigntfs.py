#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes an NTFS volume with many files for tests/bench/disk.sh: OUT.raw (the volume) and OUT.vhdx (the same as a
dynamic VHDX), plus OUT.json with the entry count; the volume is tests/fixtures/ntfsdisks.py's many_files_volume.
usage: bigntfs.py OUT FILES"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures"))
from ntfsdisks import convert, many_files_volume  # noqa: E402


def main():
    out, files = Path(sys.argv[1]), int(sys.argv[2])
    raw = out.with_suffix(".raw")
    entries = many_files_volume(raw, files)
    convert(raw, out.with_suffix(".vhdx"), "vhdx")
    out.with_suffix(".json").write_text(json.dumps({"entries": entries}) + "\n")


if __name__ == "__main__":
    main()
