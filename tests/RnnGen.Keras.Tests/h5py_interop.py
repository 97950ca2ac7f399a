"""Reads and rewrites Keras files with h5py, the HDF5 binding Keras itself uses, for RnnGen's interop tests.

  read FILE         prints JSON: every dataset (path, shape, dtype, values) and every attribute of every group, of an
                    .h5/.weights.h5 file or of the model.weights.h5 inside a .keras zip (plus its config.json and
                    metadata.json), as h5py reads them.
  rewrite IN OUT    copies an HDF5 file with h5py's newest layout (libver="latest": superblock 3, version 2 object
                    headers, groups as link messages, attributes in creation order), the other layout a reader meets.
"""
import io
import json
import sys
import zipfile

import h5py
import numpy as np


def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        return [text(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [text(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return float(value)
    return value


def describe(handle):
    datasets, attributes = {}, {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            datasets[name] = {"shape": list(obj.shape), "dtype": str(obj.dtype), "data": [float(v) for v in np.asarray(obj).ravel()]}
        attributes[name] = {key: text(obj.attrs[key]) for key in obj.attrs}

    attributes["/"] = {key: text(handle.attrs[key]) for key in handle.attrs}
    handle.visititems(visit)
    return {"datasets": datasets, "attributes": attributes}


def read(path):
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            result = describe(h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r"))
            result["config"] = json.loads(archive.read("config.json"))
            result["metadata"] = json.loads(archive.read("metadata.json"))
            result["entries"] = [(info.filename, info.compress_type) for info in archive.infolist()]
            return result
    with h5py.File(path, "r") as handle:
        return describe(handle)


def rewrite(source, target):
    with h5py.File(source, "r") as old, h5py.File(target, "w", libver="latest", track_order=True) as new:
        def copy_attrs(src, dst):
            for key in src.attrs:
                dst.attrs[key] = src.attrs[key]

        copy_attrs(old, new)

        def visit(name, obj):
            if isinstance(obj, h5py.Group):
                copy_attrs(obj, new.require_group(name))
            else:
                dataset = new.create_dataset(name, data=np.asarray(obj))
                copy_attrs(obj, dataset)

        old.visititems(visit)


if __name__ == "__main__":
    if sys.argv[1] == "read":
        json.dump(read(sys.argv[2]), sys.stdout)
    else:
        rewrite(sys.argv[2], sys.argv[3])
