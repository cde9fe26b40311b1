"""Hidden tests of digits_cnn: 8x8x1 inputs, 10 class probabilities, the layer families asked
for, and the stated test accuracy after the grader's own training.

The learner's process only builds the model and runs it on inputs drawn here. Its architecture goes
back as JSON (``model.to_json()``), is checked here (Keras's own classes only, no stored arrays), and
is rebuilt, trained and evaluated in a clean worker that never loaded learner code. The training data
is the course split with fresh per-run pixel noise and a per-run renumbering of the classes, so no
answer can be looked up.
"""
import json

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from dlcourse.grading import close, expect, graded, probe

FAMILIES = ["Conv2D", "BatchNormalization", "Dropout", "Flatten", "Dense"]
MAX_CONFIG = 100_000        # characters: a CNN's configuration is a few kB; stored data would be far larger
NOISE = 0.05                # pixel noise (pixels in [0, 1]) added fresh on every run
BAR = 0.93
MAX_PARAMS = 2_000_000   # the notebook asks for under 500,000; this only keeps the clean worker's training bounded


@probe
def probe_structure(mod, x):
    model = mod.digits_cnn()
    out = {"is_model": isinstance(model, keras.Model)}
    out["input_shape"] = [None if d is None else int(d) for d in model.inputs[0].shape]
    out["output"] = np.asarray(model(tf.constant(x), training=False))
    return out


@probe
def probe_config(mod):
    return mod.digits_cnn().to_json()


@probe
def probe_rebuild(mod, config, x, x_train, y_train, x_test, seed, max_params):
    """In the clean worker: rebuild the architecture, describe it, and (given data) train it as the notebook says."""
    keras.utils.set_random_seed(seed)
    try:
        model = keras.models.model_from_json(config)
    except Exception:
        return {"error": "rebuild"}
    try:
        if model.count_params() > max_params:
            return {"error": "size"}
        kinds = sorted({type(layer).__name__ for layer in model._flatten_layers(include_self=False, recursive=True)})
        out = {"error": None, "kinds": kinds, "is_model": isinstance(model, keras.Model),
               "input_shape": [None if d is None else int(d) for d in model.inputs[0].shape],
               "output": np.asarray(model(tf.constant(x), training=False))}
        if x_train is not None:
            model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                          metrics=["accuracy"])
            model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0)
            out["probs"] = np.asarray(model.predict(x_test, verbose=0))
    except Exception:
        return {"error": "run"}
    return out


def _config_problem(config) -> str | None:
    """Why this architecture cannot be rebuilt in the clean worker (None: it can)."""
    if type(config) is not str or len(config) > MAX_CONFIG:
        return "its configuration is not a model's (or is far too large: no stored data, please)"
    try:
        tree = json.loads(config)
    except ValueError:
        return "its configuration is not JSON"
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            module, name = node.get("module"), node.get("class_name")
            if module is not None and not (isinstance(module, str) and (module == "keras" or module.startswith("keras."))):
                return "it uses a class that is not one of Keras's own (a custom layer or model class)"
            if node.get("registered_name") not in (None, name):
                return "it uses a registered custom class"
            if name in ("__numpy__", "__tensor__", "__bytes__", "__lambda__", "Lambda"):
                return "it stores arrays or Python functions in its configuration"
            if name == "Constant" and not isinstance((node.get("config") or {}).get("value"), (int, float)):
                return "a Constant initialiser should hold one number, not stored data"
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


def _rebuild(sub, x, data=None, seed=0):
    config = sub.run(probe_config)
    problem = _config_problem(config)
    expect(problem is None, f"digits_cnn's model should be built from Keras's own layers: {problem}")
    x_train, y_train, x_test = data if data is not None else (None, None, None)
    got = sub.clean(probe_rebuild, config, x, x_train, y_train, x_test, seed, MAX_PARAMS)
    expect(got["error"] != "rebuild", "digits_cnn's model could not be rebuilt from its configuration "
                                      "(model.to_json()): use Keras's own layers, no custom classes or Lambda")
    expect(got["error"] != "size", "digits_cnn's model is far too large for 8x8 digits (keep it under 500,000 "
                                   "parameters)")
    expect(got["error"] is None, "digits_cnn's model, rebuilt from its configuration, could not run on 8x8x1 "
                                 "images or be trained with fit")
    return got


def _expect_probabilities(got, n, what):
    expect(got["input_shape"] == [None, 8, 8, 1], "digits_cnn's model should take inputs of shape (8, 8, 1)")
    out = got["output"]
    expect(type(out) is np.ndarray and out.dtype.kind == "f" and out.shape == (n, 10),
           f"{what} should return 10 values per image")
    expect(bool(np.all(out >= 0)), f"{what} should end in a softmax: no negative outputs")
    close(out.sum(axis=1), np.ones(n), f"{what}'s outputs should be probabilities: each row sums to 1", atol=1e-4)


def _split(rng):
    """The course-wide digits split, pixels / 16 as (8, 8, 1) float32 images, with fresh noise on the
    pixels and the ten classes renumbered by a random permutation (both drawn per run)."""
    X, y = load_digits(return_X_y=True)
    train, test = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y, random_state=0)
    X = (X / 16.0).reshape(-1, 8, 8, 1) + rng.normal(0.0, NOISE, (len(X), 8, 8, 1))
    X = np.clip(X, 0.0, 1.0).astype("float32")
    y = rng.permutation(10)[y].astype("int64")
    return X[train], y[train], X[test], y[test]


@graded("digits_cnn", points=1)
def test_digits_cnn_maps_8x8x1_images_to_10_probabilities(sub, rng):
    x = rng.uniform(0, 1, (int(rng.integers(3, 9)), 8, 8, 1)).astype("float32")
    got = sub.run(probe_structure, x)
    expect(got["is_model"] is True, "digits_cnn should return a keras.Model")
    _expect_probabilities(got, len(x), "digits_cnn's model")


@graded("digits_cnn", points=1)
def test_digits_cnn_uses_the_layer_families(sub, rng):
    x = rng.uniform(0, 1, (int(rng.integers(2, 6)), 8, 8, 1)).astype("float32")
    got = _rebuild(sub, x)
    expect(got["is_model"] is True, "digits_cnn should return a keras.Model")
    kinds = set(got["kinds"])
    missing = [k for k in FAMILIES if k not in kinds]
    if not ({"MaxPooling2D", "AveragePooling2D"} & kinds):
        missing.append("MaxPooling2D or AveragePooling2D")
    expect(not missing, "digits_cnn should use Conv2D, BatchNormalization, MaxPooling2D or AveragePooling2D, "
                        f"Dropout, Flatten and Dense; missing: {', '.join(missing)}")
    _expect_probabilities(got, len(x), "digits_cnn's model (rebuilt from its configuration)")


@graded("digits_cnn", points=4)
def test_digits_cnn_reaches_the_stated_test_accuracy(sub, rng):
    x_train, y_train, x_test, y_test = _split(rng)
    x = rng.uniform(0, 1, (2, 8, 8, 1)).astype("float32")
    got = _rebuild(sub, x, (x_train, y_train, x_test), int(rng.integers(0, 2**31 - 1)))
    probs = got["probs"]
    expect(type(probs) is np.ndarray and probs.shape == (len(y_test), 10),
           "digits_cnn's model should predict 10 probabilities per test image")
    accuracy = float(np.mean(np.argmax(probs, axis=1) == y_test))
    expect(accuracy >= BAR, f"trained 20 epochs (Adam 1e-3, batch 32) on the course split, digits_cnn reaches a "
                            f"test accuracy of {accuracy:.3f}; it should reach at least {BAR}")
