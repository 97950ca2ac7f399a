"""Reads and rewrites Keras files with h5py, the HDF5 binding Keras itself uses, for RnnGen's interop tests.

  read FILE         prints JSON: every dataset (path, shape, dtype, values) and every attribute of every group, of an
                    .h5/.weights.h5 file or of the model.weights.h5 inside a .keras zip (plus its config.json and
                    metadata.json), as h5py reads them.
  rewrite IN OUT    copies an HDF5 file with h5py's newest layout (libver="latest": superblock 3, version 2 object
                    headers, groups as link messages, attributes in creation order), the other layout a reader meets.
  keras2 FIXTURE OUT VERSION
                    writes a parity fixture's weights as the legacy .h5 of an old Keras 2 release, as its
                    save_model/save_weights_to_hdf5_group did (keras/engine/saving.py of 2.2.4, keras/models.py of
                    2.0.8) under h5py 2, which stored bytes and lists of bytes as fixed-length strings (numpy "S"
                    arrays; h5py 3 makes lists variable-length, so the arrays are built explicitly), layer names numbered
                    from 1 (embedding_1, lstm_1, ...), weight names without a cell level (lstm_1/kernel:0), and in
                    2.0.8 a Sequential config that is the layer list itself and a GRU config without reset_after.
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
    datasets, attributes, types = {}, {}, {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            datasets[name] = {"shape": list(obj.shape), "dtype": str(obj.dtype), "data": [float(v) for v in np.asarray(obj).ravel()]}
        attributes[name] = {key: text(obj.attrs[key]) for key in obj.attrs}
        types[name] = {key: str(obj.attrs.get_id(key).dtype) for key in obj.attrs}

    attributes["/"] = {key: text(handle.attrs[key]) for key in handle.attrs}
    types["/"] = {key: str(handle.attrs.get_id(key).dtype) for key in handle.attrs}
    handle.visititems(visit)
    return {"datasets": datasets, "attributes": attributes, "attribute_types": types}


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


def keras2(fixture_path, target, version):
    with open(fixture_path) as handle:
        fixture = json.load(handle)
    snake = next(prefix for prefix in ("simple_rnn", "lstm", "gru") if fixture["cell"].startswith(prefix))
    cell = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}[snake]
    old = version.startswith("2.0")
    layers, weights = [], []  # (name, class, config), (layer name, [(weight name, array)])
    def array(name):
        entry = fixture["weights"][name]
        return np.asarray(entry["data"], dtype=np.float32).reshape(entry["shape"])
    layers.append(("embedding_1", "Embedding", {"name": "embedding_1", "trainable": True, "batch_input_shape": [None, fixture["seq_len"]],
                   "dtype": "float32", "input_dim": fixture["vocab"], "output_dim": fixture["embed"], "mask_zero": False, "input_length": fixture["seq_len"]}))
    weights.append(("embedding_1", [("embedding_1/embeddings:0", array("embedding/embeddings"))]))
    for level in range(fixture["layers"]):
        ours = snake if level == 0 else f"{snake}_{level}"
        name = f"{snake}_{level + 1}"
        config = {"name": name, "trainable": True, "return_sequences": level + 1 < fixture["layers"], "return_state": False,
                  "go_backwards": False, "stateful": False, "unroll": False, "units": fixture["units"], "activation": fixture.get("activation") or "tanh",
                  "use_bias": True, "dropout": 0.0, "recurrent_dropout": 0.0}
        if cell != "SimpleRNN":
            config["recurrent_activation"] = "sigmoid"
            config["implementation"] = 1
        if cell == "LSTM":
            config["unit_forget_bias"] = True
        if cell == "GRU" and not old:
            config["reset_after"] = fixture["cell"] == "gru_reset_after"
        layers.append((name, cell, config))
        weights.append((name, [(f"{name}/{var}:0", array(f"{ours}/{var}")) for var in ("kernel", "recurrent_kernel", "bias")]))
    layers.append(("dense_1", "Dense", {"name": "dense_1", "trainable": True, "units": 1, "activation": "sigmoid", "use_bias": True}))
    weights.append(("dense_1", [("dense_1/kernel:0", array("dense/kernel")), ("dense_1/bias:0", array("dense/bias"))]))
    serialized = [{"class_name": cls, "config": config} for (_, cls, config) in layers]
    model_config = {"class_name": "Sequential", "config": serialized if old else {"name": "sequential_1", "layers": serialized}}
    with h5py.File(target, "w") as f:
        f.attrs["keras_version"] = np.bytes_(version.encode("utf8"))
        f.attrs["backend"] = np.bytes_(b"tensorflow")
        f.attrs["model_config"] = np.bytes_(json.dumps(model_config).encode("utf8"))
        group = f.create_group("model_weights")
        group.attrs["layer_names"] = np.array([name.encode("utf8") for name, _ in weights], dtype=np.bytes_)
        group.attrs["backend"] = np.bytes_(b"tensorflow")
        group.attrs["keras_version"] = np.bytes_(version.encode("utf8"))
        for name, arrays in weights:
            layer = group.create_group(name)
            layer.attrs["weight_names"] = np.array([weight.encode("utf8") for weight, _ in arrays], dtype=np.bytes_)
            for weight, value in arrays:
                layer.create_dataset(weight, value.shape, dtype=value.dtype)[:] = value


if __name__ == "__main__":
    if sys.argv[1] == "read":
        json.dump(read(sys.argv[2]), sys.stdout)
    elif sys.argv[1] == "keras2":
        keras2(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        rewrite(sys.argv[2], sys.argv[3])
