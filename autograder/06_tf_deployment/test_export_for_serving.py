"""Hidden tests of export_for_serving: TF Serving's versioned layout, a serving_default
signature that takes the keyword `features`, and outputs equal to the model's."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


def build_model(layers, activations):
    # A Keras Sequential MLP with the given (kernel, bias) pairs and activations.
    width = layers[0][0].shape[0]
    model = keras.Sequential([keras.Input((width,))] + [
        keras.layers.Dense(kernel.shape[1], activation=act) for (kernel, _), act in zip(layers, activations)])
    model.set_weights([w for pair in layers for w in pair])
    return model


def find_saved_model(export_dir, version, returned):
    # Where the SavedModel is: the version folder if it holds one, else the returned path, else export_dir.
    import os

    candidates = [os.path.join(export_dir, str(version)), export_dir]
    if isinstance(returned, (str, os.PathLike)):
        candidates.insert(1, os.fspath(returned))
    for path in candidates:
        if os.path.isfile(os.path.join(path, "saved_model.pb")):
            return path
    return None


def describe_signature(path, xs):
    # The serving_default signature of the SavedModel at path, and its outputs on each x.
    loaded = tf.saved_model.load(path)
    signatures = sorted(loaded.signatures.keys())
    out = {"signatures": signatures, "positional": None, "keywords": None, "results": []}
    if "serving_default" not in signatures:
        return out
    sig = loaded.signatures["serving_default"]
    args, kwargs = sig.structured_input_signature
    out["positional"], out["keywords"] = len(args), sorted(kwargs)
    if "features" in kwargs:
        spec = kwargs["features"]
        out["shape"] = None if spec.shape.rank is None else [d for d in spec.shape.as_list()]
        out["dtype"] = spec.dtype.name
    for x in xs:
        try:
            result = sig(features=tf.constant(x))
            out["results"].append({str(k): np.asarray(v) for k, v in result.items()})
        except Exception as exc:  # wrong input names or shapes: report, do not crash the probe
            out["results"].append(f"{type(exc).__name__}: {str(exc)[:120]}")
    return out


@probe(uses=[build_model])
def probe_layout(mod, layers, activations, name, versions):
    import os

    model = build_model(layers, activations)
    export_dir = os.path.join(os.getcwd(), name)
    calls = []
    for version in versions:
        returned = (mod.export_for_serving(model, export_dir) if version is None
                    else mod.export_for_serving(model, export_dir, version=version))
        expected = os.path.join(export_dir, str(1 if version is None else version))
        same = (isinstance(returned, (str, os.PathLike))
                and os.path.normpath(os.path.abspath(os.fspath(returned))) == os.path.normpath(expected))
        calls.append({"returned_is_path": isinstance(returned, (str, os.PathLike)), "returned_ok": same})
    listing = sorted(os.listdir(export_dir)) if os.path.isdir(export_dir) else None
    complete = {entry: os.path.isfile(os.path.join(export_dir, entry, "saved_model.pb"))
                and os.path.isdir(os.path.join(export_dir, entry, "variables"))
                for entry in (listing or [])}
    return {"calls": calls, "listing": listing, "complete": complete}


@probe(uses=[build_model, find_saved_model, describe_signature])
def probe_signature(mod, layers, activations, name, version, xs):
    import os

    model = build_model(layers, activations)
    export_dir = os.path.join(os.getcwd(), name)
    returned = mod.export_for_serving(model, export_dir, version=version)
    path = find_saved_model(export_dir, version, returned)
    if path is None:
        return {"found": False}
    return {"found": True, **describe_signature(path, xs)}


def _mlp(rng, sizes, activations):
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        layers.append((rng.uniform(-limit, limit, (fan_in, fan_out)).astype("float32"),
                       rng.normal(0, 0.1, fan_out).astype("float32")))
    return layers, activations


def _random_mlp(rng):
    d, h, k = int(rng.integers(3, 12)), int(rng.integers(4, 16)), int(rng.integers(1, 6))
    act = str(rng.choice(["relu", "tanh", "sigmoid"]))
    return _mlp(rng, [d, h, k], [act, None])


def _forward(layers, activations, x):
    fns = {None: lambda z: z, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
           "sigmoid": lambda z: 1 / (1 + np.exp(-z))}
    h = np.asarray(x, np.float64)
    for (kernel, bias), act in zip(layers, activations):
        h = fns[act](h @ kernel.astype(np.float64) + bias)
    return h


def _name(rng):
    return "export_" + "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), 8))


@graded("export_for_serving", points=2)
def test_export_for_serving_writes_the_version_folder(sub, rng):
    layers, acts = _random_mlp(rng)
    version = int(rng.integers(2, 20))
    got = sub.run(probe_layout, layers, acts, _name(rng), [version])
    expect(got["listing"] is not None, "export_for_serving should create export_dir (TF Serving's model base path)")
    expect(str(version) in got["listing"] and "saved_model.pb" not in got["listing"],
           "the SavedModel should go into a folder named after the version number, export_dir/<version>/ "
           "(TF Serving scans export_dir for numbered version folders), not into export_dir itself")
    expect(got["complete"][str(version)],
           "the version folder should hold a complete SavedModel (saved_model.pb and variables/)")
    expect(got["calls"][0]["returned_is_path"], "export_for_serving should return the path it wrote, as a str")
    expect(got["calls"][0]["returned_ok"],
           "export_for_serving should return the version folder it wrote, os.path.join(export_dir, str(version))")


@graded("export_for_serving", points=1)
def test_export_for_serving_keeps_versions_side_by_side(sub, rng):
    layers, acts = _random_mlp(rng)
    version = int(rng.integers(2, 20))
    got = sub.run(probe_layout, layers, acts, _name(rng), [None, version])
    expect(got["listing"] is not None and {"1", str(version)} <= set(got["listing"]),
           "exporting with the default version and then with another version into the same export_dir should "
           "leave both version folders side by side (the default version is 1)")
    expect(got["complete"]["1"] and got["complete"][str(version)],
           "every version folder should hold a complete SavedModel")
    expect(all(call["returned_ok"] for call in got["calls"]),
           "each call should return the version folder it wrote")


@graded("export_for_serving", points=2)
def test_export_for_serving_signature_takes_the_keyword_features(sub, rng):
    layers, acts = _random_mlp(rng)
    x = rng.standard_normal((int(rng.integers(2, 9)), layers[0][0].shape[0])).astype("float32")
    got = sub.run(probe_signature, layers, acts, _name(rng), int(rng.integers(1, 9)), [x])
    expect(got["found"], "no SavedModel (saved_model.pb) was written under export_dir")
    expect("serving_default" in got["signatures"],
           "the SavedModel has no 'serving_default' signature, the one TF Serving calls by default")
    expect(got["positional"] == 0 and got["keywords"] == ["features"],
           "the serving_default signature should take exactly one input, named 'features' "
           "(name the TensorSpec of the input signature); its inputs are named "
           f"{got['keywords']}")
    expect(got.get("dtype") == "float32", "the 'features' input should be float32")
    expect(not isinstance(got["results"][0], str),
           "calling the serving_default signature with features=<a float32 batch> failed")


@graded("export_for_serving", points=3)
def test_export_for_serving_signature_matches_the_model_for_any_batch(sub, rng):
    layers, acts = _random_mlp(rng)
    d = layers[0][0].shape[0]
    xs = [rng.standard_normal((n, d)).astype("float32") for n in (1, int(rng.integers(2, 40)))]
    got = sub.run(probe_signature, layers, acts, _name(rng), int(rng.integers(1, 9)), xs)
    expect(got["found"], "no SavedModel (saved_model.pb) was written under export_dir")
    expect("serving_default" in got["signatures"], "the SavedModel has no 'serving_default' signature")
    shape = got.get("shape")
    expect(shape is not None and len(shape) == 2 and shape[0] is None and shape[1] in (None, d),
           "the 'features' input of serving_default should be declared with shape (None, D): a batch of any "
           f"number of rows; it is declared as {shape}")
    for x, result in zip(xs, got["results"]):
        expect(not isinstance(result, str),
               "the serving_default signature should accept features=<float32 batch of any size (None, D)>; "
               f"with a batch of {len(x)} it failed")
        expect(len(result) == 1, "the serving_default signature should return exactly one output")
        close(next(iter(result.values())), _forward(layers, acts, x),
              "the serving_default signature's output differs from the model's output on the same batch",
              rtol=1e-5, atol=1e-5)
