#!/usr/bin/env python3
"""Writes an OCI image archive (for `ctr images import`) of one layer.

Usage: ociimage.py ROOTFS.tar OUT.tar NAME

The layer is ROOTFS.tar, gzipped; the image runs `sh` with PATH=/bin."""
import hashlib, io, json, sys, tarfile, gzip
rootfs_tar, out, name = sys.argv[1], sys.argv[2], sys.argv[3]
layer = open(rootfs_tar, "rb").read()
diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
gz = gzip.compress(layer, mtime=0)
def blob(data):
    return "sha256:" + hashlib.sha256(data).hexdigest(), data
cfg = json.dumps({"architecture": "amd64", "os": "linux",
                  "config": {"Env": ["PATH=/bin"], "Cmd": ["sh"]},
                  "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode()
cfg_d, _ = blob(cfg); gz_d, _ = blob(gz)
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfg_d, "size": len(cfg)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": gz_d, "size": len(gz)}]}).encode()
man_d, _ = blob(manifest)
index = json.dumps({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": man_d, "size": len(manifest),
    "annotations": {"io.containerd.image.name": name, "org.opencontainers.image.ref.name": "latest"}}]}).encode()
with tarfile.open(out, "w") as t:
    def add(path, data):
        i = tarfile.TarInfo(path); i.size = len(data); t.addfile(i, io.BytesIO(data))
    add("oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
    add("index.json", index)
    for d, data in ((cfg_d, cfg), (gz_d, gz), (man_d, manifest)):
        add("blobs/sha256/" + d[7:], data)
