#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Assembles WORK/image, an OCI layout of Windows layers from gzip blobs the bench scripts generated.

  ocilayout.py WORK NAME[:HISTORY] ...

Each NAME is WORK/NAME.tar.gz, base first (a name may repeat: the blob is stored once); HISTORY is its created_by
line. Blobs are hard-linked into the layout, so assembling costs one read of each for its digests.
"""
import gzip
import hashlib
import json
import os
import sys


def digest_of(path, opener=open):
    h = hashlib.sha256()
    with opener(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def main() -> None:
    work, specs = sys.argv[1], sys.argv[2:]
    blobs = os.path.join(work, "image", "blobs", "sha256")
    os.makedirs(blobs)

    def add(data: bytes) -> str:
        d = "sha256:" + hashlib.sha256(data).hexdigest()
        open(os.path.join(blobs, d[7:]), "wb").write(data)
        return d

    layers, diff_ids, history = [], [], []
    for spec in specs:
        name, _, created_by = spec.partition(":")
        path = os.path.join(work, name + ".tar.gz")
        d = digest_of(path)
        if not os.path.exists(os.path.join(blobs, d[7:])):
            os.link(path, os.path.join(blobs, d[7:]))
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d,
                       "size": os.path.getsize(path)})
        diff_ids.append(digest_of(path, gzip.open))
        history.append({"created_by": created_by or name})
    config = json.dumps({"architecture": "amd64", "os": "windows", "os.version": "10.0.20348.2113",
                         "rootfs": {"type": "layers", "diff_ids": diff_ids}, "history": history}).encode()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": add(config),
                                      "size": len(config)},
                           "layers": layers}).encode()
    index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                                "digest": add(manifest), "size": len(manifest)}]}
    open(os.path.join(work, "image", "index.json"), "w").write(json.dumps(index))
    open(os.path.join(work, "image", "oci-layout"), "w").write('{"imageLayoutVersion": "1.0.0"}')


if __name__ == "__main__":
    main()
