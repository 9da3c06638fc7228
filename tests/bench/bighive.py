# SPDX-License-Identifier: Apache-2.0
"""Makes a large registry hive for tests/bench/hivediff.sh with hivex (python3-hivex), starting from the empty hive
of tests/fixtures/regfhive.py: GROUPS keys under the root, KEYS keys under each, eight values of mixed types in each
of those (REG_SZ, REG_EXPAND_SZ, REG_DWORD, REG_QWORD, REG_BINARY, REG_MULTI_SZ). Deterministic.

    /usr/bin/python3 bighive.py OUT --groups 40 --keys 370      (about 50 MB)
"""
from __future__ import annotations

import argparse
import os
import struct
import sys
import tempfile

import hivex

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fixtures"))
import regfhive  # noqa: E402


def sz(text: str) -> bytes:
    return (text + "\0").encode("utf-16le")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--groups", type=int, default=40)
    parser.add_argument("--keys", type=int, default=370)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, "empty")
        with open(empty, "wb") as f:
            f.write(regfhive.empty_hive("ROOT", "SOFTWARE"))
        h = hivex.Hivex(empty, write=True)
        root = h.root()
        for g in range(args.groups):
            group = h.node_add_child(root, f"Vendor{g:03d}")
            for k in range(args.keys):
                key = h.node_add_child(group, f"Component{k:05d}")
                h.node_set_values(key, [
                    {"key": "", "t": 1, "value": sz(f"Component {g}.{k}")},
                    {"key": "DisplayName", "t": 1, "value": sz(f"Vendor {g} component {k} " * 4)},
                    {"key": "InstallPath", "t": 2, "value": sz(f"%ProgramFiles%\\Vendor{g}\\Component{k}\\bin")},
                    {"key": "Version", "t": 4, "value": struct.pack("<I", g * 1000 + k)},
                    {"key": "Installed", "t": 11, "value": struct.pack("<Q", 133_000_000_000_000_000 + g * k)},
                    {"key": "Blob", "t": 3, "value": bytes((g * 7 + k * 13 + i) & 0xFF for i in range(600))},
                    {"key": "Depends", "t": 7, "value": sz(f"Vendor{g}\\Base") + sz("System\\Core") + b"\0\0"},
                    {"key": "Notes", "t": 1, "value": sz("x" * 200)},
                ])
        h.commit(args.out)


if __name__ == "__main__":
    main()
