"""Hidden tests of digits_cnn: 8x8x1 inputs, 10 class probabilities, the layer families asked
for, and the stated test accuracy after the grader's own training."""
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from dlcourse.grading import close, expect, graded, probe

FAMILIES = ["Conv2D", "BatchNormalization", "Dropout", "Flatten", "Dense"]


@probe
def probe_structure(mod, x):
    model = mod.digits_cnn()
    out = {"is_model": isinstance(model, keras.Model)}
    out["input_shape"] = [None if d is None else int(d) for d in model.inputs[0].shape]
    out["output"] = np.asarray(model(tf.constant(x), training=False))
    out["kinds"] = sorted({type(layer).__name__ for layer in model._flatten_layers(include_self=False, recursive=True)})
    return out


@probe
def probe_train(mod, x_train, y_train, x_test, seed):
    keras.utils.set_random_seed(seed)
    model = mod.digits_cnn()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0)
    return np.asarray(model.predict(x_test, verbose=0))


def _split():
    """The course-wide digits split, pixels / 16 as (8, 8, 1) float32 images."""
    X, y = load_digits(return_X_y=True)
    train, test = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y, random_state=0)
    X = (X / 16.0).astype("float32").reshape(-1, 8, 8, 1)
    return X[train], y[train].astype("int64"), X[test], y[test].astype("int64")


@graded("digits_cnn", points=1)
def test_digits_cnn_maps_8x8x1_images_to_10_probabilities(sub, rng):
    x = rng.uniform(0, 1, (int(rng.integers(3, 9)), 8, 8, 1)).astype("float32")
    got = sub.run(probe_structure, x)
    expect(got["is_model"], "digits_cnn should return a keras.Model")
    expect(got["input_shape"] == [None, 8, 8, 1], "digits_cnn's model should take inputs of shape (8, 8, 1)")
    out = got["output"]
    expect(out.shape == (len(x), 10), "digits_cnn's model should return 10 values per image")
    expect(bool(np.all(out >= 0)), "digits_cnn's model should end in a softmax: no negative outputs")
    close(out.sum(axis=1), np.ones(len(x)), "digits_cnn's outputs should be probabilities: each row sums to 1", atol=1e-4)


@graded("digits_cnn", points=1)
def test_digits_cnn_uses_the_layer_families(sub, rng):
    x = rng.uniform(0, 1, (2, 8, 8, 1)).astype("float32")
    kinds = set(sub.run(probe_structure, x)["kinds"])
    missing = [k for k in FAMILIES if k not in kinds]
    if not ({"MaxPooling2D", "AveragePooling2D"} & kinds):
        missing.append("MaxPooling2D or AveragePooling2D")
    expect(not missing, "digits_cnn should use Conv2D, BatchNormalization, MaxPooling2D or AveragePooling2D, "
                        f"Dropout, Flatten and Dense; missing: {', '.join(missing)}")


@graded("digits_cnn", points=4)
def test_digits_cnn_reaches_the_stated_test_accuracy(sub, rng):
    x_train, y_train, x_test, y_test = _split()
    probs = sub.run(probe_train, x_train, y_train, x_test, int(rng.integers(0, 2**31 - 1)))
    expect(isinstance(probs, np.ndarray) and probs.shape == (len(y_test), 10),
           "digits_cnn's model should predict 10 probabilities per test image")
    accuracy = float(np.mean(np.argmax(probs, axis=1) == y_test))
    expect(accuracy >= 0.93, f"trained 20 epochs (Adam 1e-3, batch 32) on the course split, digits_cnn reaches a "
                             f"test accuracy of {accuracy:.3f}; it should reach at least 0.93")
