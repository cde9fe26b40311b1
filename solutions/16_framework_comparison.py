"""Reference solution of 16_framework_comparison.

Generated from source/16_framework_comparison/16_framework_comparison.ipynb by `dlcourse build`; do not edit.
"""


import time

import numpy as np
import tensorflow as tf
import keras
import torch
from torch import nn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

if __name__ == "__main__":  # plots are for reading the notebook, not for grading
    import matplotlib.pyplot as plt

import sklearn
print("TensorFlow", tf.__version__, "| Keras", keras.__version__, "| PyTorch", torch.__version__,
      "| scikit-learn", sklearn.__version__)


print("Keras", keras.__version__, "| TensorFlow", tf.__version__,
      "| tf.keras.Sequential is keras.Sequential:", tf.keras.Sequential is keras.Sequential)


def draw_stack():
    from matplotlib.patches import FancyBboxPatch

    boxes = [  # (x, y, width, height, text, colour)
        (0, 0, 12, 0.8, "hardware: CPU · NVIDIA / AMD GPU · Apple GPU · TPU", "#e9ecef"),
        (0, 1, 4, 0.8, "TensorFlow runtime (C++) · XLA", "#ffd8a8"),
        (4, 1, 4, 0.8, "ATen (C++) · TorchInductor", "#ffc9c9"),
        (8, 1, 4, 0.8, "NumPy · SciPy · Cython", "#d0ebff"),
        (0, 2, 4, 0.8, "TensorFlow Core\ntf.Variable · GradientTape\ntf.function", "#ffd8a8"),
        (4, 2, 4, 0.8, "PyTorch\ntorch.Tensor · autograd\nnn.Module", "#ffc9c9"),
        (0, 3, 6, 0.8, "Keras 3: Layer · Model · compile / fit\n(backend: TensorFlow, JAX or PyTorch)", "#fff3bf"),
        (6, 3, 2, 0.8, "Lightning\n(on PyTorch)", "#ffc9c9"),
        (8, 2, 4, 1.8, "scikit-learn\nwhole algorithms behind\nfit / predict / transform;\nPipeline, GridSearchCV", "#d0ebff"),
    ]
    fig, ax = plt.subplots(figsize=(10, 3.8))
    for x, y, w, h, text, colour in boxes:
        ax.add_patch(FancyBboxPatch((x + 0.06, y + 0.06), w - 0.12, h - 0.12, boxstyle="round,pad=0.02",
                                    fc=colour, ec="0.35"))
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=8.5)
    ax.annotate("", xy=(-0.35, 3.8), xytext=(-0.35, 0.1), arrowprops=dict(arrowstyle="-|>", lw=1.3))
    ax.text(-0.75, 1.95, "higher: less code, fewer choices", rotation=90, ha="center", va="center", fontsize=8.5)
    ax.set_xlim(-1.1, 12.1); ax.set_ylim(-0.1, 3.95); ax.axis("off")
    ax.set_title("You write code against one layer; the layers below it run that code", fontsize=10)
    plt.show()


if __name__ == "__main__":
    draw_stack()


# Monthly PyPI downloads (millions) at five snapshots of the best-of-ml-python list (ml-tooling,
# github.com/ml-tooling/best-of-ml-python: its README on each date below), and its GitHub counts of
# 26 June 2025. Typed in from those pages: the notebook never goes online.
SNAPSHOTS = ["2021-05-14", "2022-05-26", "2023-05-26", "2024-05-30", "2025-06-26"]
PYPI_MONTHLY_M = {"scikit-learn": [23, 34, 36, 67, 99], "torch": [3.8, 9.3, 10, 29, 46],
                  "tensorflow": [11, 17, 16, 22, 22], "keras": [3.4, 10, 10, 18, 14]}
GITHUB_2025 = {"TensorFlow": (190, 4.9), "PyTorch": (91, 5.7), "Keras": (63, 1.4), "scikit-learn": (62, 3.3)}


def draw_popularity():
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 3.4))
    when = np.arange(len(SNAPSHOTS))
    for name, values in PYPI_MONTHLY_M.items():
        left.plot(when, values, marker="o", label=name)
    left.set_xticks(when, [s[:7] for s in SNAPSHOTS])
    left.set_xlabel("snapshot (year-month)"); left.set_ylabel("PyPI downloads / month (M)")
    left.set_title("Installs from PyPI (machines, not people)", fontsize=10); left.legend(fontsize=8)
    names = list(GITHUB_2025)
    x = np.arange(len(names))
    right.bar(x - 0.2, [GITHUB_2025[n][0] for n in names], 0.4, label="stars (thousands)")
    right.bar(x + 0.2, [GITHUB_2025[n][1] * 10 for n in names], 0.4, label="contributors (hundreds)")
    right.set_xticks(x, names); right.legend(fontsize=8)
    right.set_title("GitHub, 26 June 2025", fontsize=10)
    plt.tight_layout(); plt.show()


if __name__ == "__main__":
    draw_popularity()


def regression_sklearn(X_train, y_train, X_test):
    from sklearn.linear_model import LinearRegression
    return LinearRegression().fit(X_train, y_train).predict(X_test)


def regression_keras(X_train, y_train, X_test, epochs=30):
    model = keras.Sequential([keras.Input((X_train.shape[1],)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    model.fit(X_train, y_train, epochs=epochs, batch_size=32, verbose=0)
    return model.predict(X_test, verbose=0)[:, 0]


def regression_torch(X_train, y_train, X_test, steps=500):
    X, y = torch.from_numpy(X_train), torch.from_numpy(y_train)
    model = nn.Linear(X.shape[1], 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(X)[:, 0], y)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        return model(torch.from_numpy(X_test))[:, 0].numpy()


def regression_tf_core(X_train, y_train, X_test, steps=500, lr=0.1):
    w = tf.Variable(tf.zeros((X_train.shape[1], 1)))
    b = tf.Variable(0.0)
    X, y = tf.constant(X_train), tf.constant(y_train[:, None])

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((X @ w + b - y) ** 2)
        dw, db = tape.gradient(loss, [w, b])
        w.assign_sub(lr * dw)
        b.assign_sub(lr * db)

    for _ in range(steps):
        step()
    return (X_test @ w + b).numpy()[:, 0]


if __name__ == "__main__":
    import inspect
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    X, y = load_diabetes(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0)
    scaler = StandardScaler().fit(X_tr)
    X_tr, X_te = scaler.transform(X_tr).astype("float32"), scaler.transform(X_te).astype("float32")
    y_mean, y_std = y_tr.mean(), y_tr.std()
    y_tr_s = ((y_tr - y_mean) / y_std).astype("float32")          # a standardised target trains evenly

    torch.manual_seed(0); keras.utils.set_random_seed(0)
    for fn in (regression_sklearn, regression_keras, regression_torch, regression_tf_core):
        start = time.perf_counter()
        pred = fn(X_tr, y_tr_s, X_te) * y_std + y_mean
        took = time.perf_counter() - start
        r2 = 1 - np.sum((y_te - pred) ** 2) / np.sum((y_te - y_te.mean()) ** 2)
        lines = len(inspect.getsource(fn).strip().splitlines()) - 1
        print(f"{fn.__name__:20s} test R² {r2:.3f}   {lines:2d} lines of code   {took:5.2f} s")


def many_small_ops_tf(x):
    for _ in range(50):
        x = tf.tanh(x) * 0.9 + 0.1
    return x


def many_small_ops_torch(x):
    for _ in range(50):
        x = torch.tanh(x) * 0.9 + 0.1
    return x


def time_calls(fn, x, repeats=200):
    fn(x)                                              # warm-up: tracing / compiling is not timed
    start = time.perf_counter()
    for _ in range(repeats):
        fn(x)
    return (time.perf_counter() - start) / repeats


USE_INDUCTOR = False    # True: torch.compile's default backend (tens of seconds of compiling on 2 CPU cores)

if __name__ == "__main__":
    x_tf, x_torch = tf.random.normal((64,)), torch.randn(64)
    graph_tf = tf.function(many_small_ops_tf)
    backend = "inductor" if USE_INDUCTOR else "aot_eager"
    compiled = torch.compile(many_small_ops_torch, backend=backend)
    start = time.perf_counter()
    compiled(x_torch)                                  # the first call captures (and compiles) the graph
    print(f"torch.compile ({backend}): first call {time.perf_counter() - start:.1f} s;",
          "same values as eager:", torch.allclose(compiled(x_torch), many_small_ops_torch(x_torch)))
    timings = {"TF eager": time_calls(many_small_ops_tf, x_tf), "TF tf.function": time_calls(graph_tf, x_tf),
               "torch eager": time_calls(many_small_ops_torch, x_torch),
               f"torch.compile ({backend})": time_calls(compiled, x_torch)}
    for name, seconds in timings.items():
        print(f"{name:26s} {seconds * 1e6:8.0f} µs per call")
    fig, ax = plt.subplots(figsize=(6, 2.5))
    ax.barh(list(timings), [s * 1e3 for s in timings.values()], color=["#f4a582", "#92c5de"] * 2)
    ax.set_xlabel("milliseconds per call (150 tiny ops)"); ax.invert_yaxis()
    plt.tight_layout(); plt.show()


if __name__ == "__main__":
    import contextlib
    import io
    import os
    import pickle
    import tempfile
    import warnings

    keras_model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"),
                                    keras.layers.Dense(3, activation="softmax")])
    torch_model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    sk_model = LogisticRegression(max_iter=1000).fit(np.random.default_rng(0).normal(size=(30, 4)), np.arange(30) % 3)
    sizes = {}
    chatter = io.StringIO()                            # the converters' progress messages
    with warnings.catch_warnings(), contextlib.redirect_stdout(chatter), contextlib.redirect_stderr(chatter):
        warnings.simplefilter("ignore")
        tf.get_logger().setLevel("ERROR")
        sizes["TF Lite (Keras)"] = len(tf.lite.TFLiteConverter.from_keras_model(keras_model).convert())
        buffer = io.BytesIO()
        torch.jit.save(torch.jit.script(torch_model), buffer)         # TorchScript: deprecated, still common
        sizes["TorchScript"] = len(buffer.getvalue())
        program = torch.export.export(torch_model, (torch.randn(2, 4),))
        path = os.path.join(tempfile.mkdtemp(), "model.pt2")
        torch.export.save(program, path)
        sizes["torch.export (.pt2)"] = os.path.getsize(path)
    sizes["pickle (scikit-learn)"] = len(pickle.dumps(sk_model))
    for name, size in sizes.items():
        print(f"{name:22s} {size / 1024:7.1f} KiB")


if __name__ == "__main__":
    import inspect
    from collections import Counter

    from sklearn.utils import all_estimators

    kinds = Counter()
    for name, cls in all_estimators():
        for kind, mixin in (("classifier", "ClassifierMixin"), ("regressor", "RegressorMixin"),
                            ("clusterer", "ClusterMixin"), ("transformer", "TransformerMixin")):
            if any(base.__name__ == mixin for base in cls.__mro__):
                kinds[kind] += 1
    print("scikit-learn estimators:", len(all_estimators()), dict(kinds))
    keras_layers = [n for n, c in inspect.getmembers(keras.layers, inspect.isclass) if issubclass(c, keras.layers.Layer)]
    torch_modules = [n for n, c in inspect.getmembers(nn, inspect.isclass) if issubclass(c, nn.Module)]
    print("Keras layer classes:", len(keras_layers), "| torch.nn module classes:", len(torch_modules))
    print("Keras optimizers:", len([n for n, c in inspect.getmembers(keras.optimizers, inspect.isclass)]),
          "| torch.optim optimizers:", len([n for n, c in inspect.getmembers(torch.optim, inspect.isclass)
                                            if issubclass(c, torch.optim.Optimizer) and c is not torch.optim.Optimizer]))


if __name__ == "__main__":
    @tf.function
    def traced(x):
        print("Python print: runs while tracing only")
        tf.print("tf.print: runs on every call, x =", x)
        return x + 1

    for value in (1.0, 2.0, 3.0):
        traced(tf.constant(value))

    def eager_torch(x):
        print("torch is eager: this prints on every call, x =", x.item())
        return x + 1

    for value in (1.0, 2.0):
        eager_torch(torch.tensor(value))
    print(Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=1000))]))


if __name__ == "__main__":
    print("TensorFlow devices:", [d.device_type + ":" + d.name.split(":")[-1] for d in tf.config.list_physical_devices()])
    print("PyTorch: CUDA available:", torch.cuda.is_available(), "| MPS available:", torch.backends.mps.is_available(),
          "| CPU threads:", torch.get_num_threads())


if __name__ == "__main__":
    from sklearn.feature_selection import SelectKBest, f_classif

    noise_rng = np.random.default_rng(0)
    X_noise, y_noise = noise_rng.standard_normal((100, 2000)), noise_rng.integers(0, 2, 100)
    leaky_X = SelectKBest(f_classif, k=20).fit_transform(X_noise, y_noise)        # looks at every label
    leaky = cross_val_score(LogisticRegression(max_iter=1000), leaky_X, y_noise, cv=5).mean()
    honest_pipe = Pipeline([("select", SelectKBest(f_classif, k=20)), ("clf", LogisticRegression(max_iter=1000))])
    honest = cross_val_score(honest_pipe, X_noise, y_noise, cv=5).mean()
    print(f"selection outside the CV (leak): {leaky:.2f}   inside a pipeline: {honest:.2f}   (truth: 0.5)")


def sklearn_pipeline():
    """An unfitted Pipeline: StandardScaler, then LogisticRegression(max_iter=1000)."""
    return Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=1000))])


def cv_accuracy(pipeline, X, y, folds=5):
    """Mean cross-validated accuracy of `pipeline`; every fitting happens inside the folds."""
    return float(cross_val_score(pipeline, X, y, cv=folds, scoring="accuracy").mean())


class NearestCentroidDemo(ClassifierMixin, BaseEstimator):
    """Predicts the class whose (shrunk) centroid is nearest; probabilities from a softmax of -distance²."""

    def __init__(self, shrink=0.0):
        self.shrink = shrink                              # stored unchanged, nothing else

    def fit(self, X, y):
        X = np.asarray(X, dtype=np.float64)
        self.classes_, codes = np.unique(np.asarray(y), return_inverse=True)
        centre = X.mean(axis=0)
        means = np.stack([X[codes == k].mean(axis=0) for k in range(len(self.classes_))])
        self.centroids_ = centre + (1 - self.shrink) * (means - centre)
        return self

    def predict_proba(self, X):
        d2 = ((np.asarray(X, dtype=np.float64)[:, None, :] - self.centroids_[None]) ** 2).sum(axis=2)
        e = np.exp(-(d2 - d2.min(axis=1, keepdims=True)))
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


if __name__ == "__main__":
    from sklearn.base import clone
    from sklearn.datasets import load_wine
    from sklearn.model_selection import GridSearchCV

    X_wine, y_wine = load_wine(return_X_y=True)
    names_wine = load_wine().target_names[y_wine]                 # string labels
    demo = Pipeline([("scale", StandardScaler()), ("nc", NearestCentroidDemo())])
    print("clone keeps the parameters:", clone(demo).get_params()["nc__shrink"] == demo.get_params()["nc__shrink"])
    print("5-fold accuracy:", cross_val_score(demo, X_wine, names_wine, cv=5).mean().round(3))
    search = GridSearchCV(demo, {"nc__shrink": [0.0, 0.5, 0.9]}, cv=5).fit(X_wine, names_wine)
    print("best:", search.best_params_, "score", round(search.best_score_, 3))


class TorchMLPClassifier(ClassifierMixin, BaseEstimator):
    """A one-hidden-layer PyTorch MLP with scikit-learn's estimator API."""

    def __init__(self, hidden=32, epochs=50, lr=1e-2, random_state=0):
        # store the four arguments unchanged, under the same names; nothing else
        self.hidden = hidden
        self.epochs = epochs
        self.lr = lr
        self.random_state = random_state

    def fit(self, X, y):
        # TODO 1: X as a float32 tensor; classes_ and the integer code of each label (np.unique, return_inverse=True)
        # TODO 2: seed torch with self.random_state here, then build Linear(d, hidden) -> ReLU -> Linear(hidden, K)
        # TODO 3: Adam(lr=self.lr) and cross-entropy: `epochs` passes over the data (full batch or mini-batches)
        # TODO 4: return self
        X = torch.as_tensor(np.asarray(X, dtype=np.float32))
        self.classes_, codes = np.unique(np.asarray(y), return_inverse=True)
        targets = torch.as_tensor(codes.reshape(-1), dtype=torch.long)
        torch.manual_seed(self.random_state)                      # same seed, same weights, same batches
        self.model_ = nn.Sequential(nn.Linear(X.shape[1], self.hidden), nn.ReLU(),
                                    nn.Linear(self.hidden, len(self.classes_)))
        optimizer = torch.optim.Adam(self.model_.parameters(), lr=self.lr)
        loss_fn = nn.CrossEntropyLoss()
        self.model_.train()
        for _ in range(self.epochs):
            order = torch.randperm(len(X))
            for start in range(0, len(X), 32):
                batch = order[start:start + 32]
                optimizer.zero_grad()
                loss_fn(self.model_(X[batch]), targets[batch]).backward()
                optimizer.step()
        self.n_features_in_ = X.shape[1]
        return self

    def predict_proba(self, X):
        # TODO 5: eval mode and no gradients; the softmax of the logits as a NumPy array (n, len(classes_))
        self.model_.eval()
        with torch.no_grad():
            logits = self.model_(torch.as_tensor(np.asarray(X, dtype=np.float32)))
        return torch.softmax(logits, dim=1).numpy().astype(np.float64)

    def predict(self, X):
        # TODO 6: the label (from classes_) of the most probable class of each row
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


if __name__ == "__main__":
    from sklearn.datasets import load_iris
    from sklearn.model_selection import GridSearchCV

    X_iris, y_iris = load_iris(return_X_y=True)
    names = load_iris().target_names[y_iris]                       # string labels work too
    with needs("TorchMLPClassifier"):
        pipe = Pipeline([("scale", StandardScaler()), ("mlp", TorchMLPClassifier(epochs=30))])
        print("5-fold accuracy:", cross_val_score(pipe, X_iris, names, cv=5).mean().round(3))
        search = GridSearchCV(pipe, {"mlp__hidden": [4, 32], "mlp__lr": [1e-3, 1e-2]}, cv=3).fit(X_iris, names)
        print("best:", search.best_params_, "score", round(search.best_score_, 3))


def same_model_four_ways(X_train, y_train, X_test, y_test):
    """Test accuracy of one multinomial logistic regression written in four frameworks."""
    # TODO 1: float32 features, int64 labels; d = number of features, k = max label + 1
    # TODO 2: "sklearn": LogisticRegression(max_iter=1000), fitted, then its accuracy on the test set
    # TODO 3: "keras": Sequential(Input((d,)), Dense(k, softmax)); compile (Adam, sparse categorical
    #         cross-entropy), fit, then the test accuracy of that model
    # TODO 4: "torch": nn.Linear(d, k), an optimizer, a loop of zero_grad / cross_entropy / backward / step;
    #         then the accuracy of the argmax of its test logits
    # TODO 5: "tf_core": tf.Variable weight (d, k) and bias (k), a loop with tf.GradientTape and assign_sub;
    #         then the accuracy of the argmax of X_test @ w + b
    # TODO 6: return the four accuracies as Python floats under exactly these keys
    X_train, X_test = np.asarray(X_train, np.float32), np.asarray(X_test, np.float32)
    y_train, y_test = np.asarray(y_train, np.int64), np.asarray(y_test, np.int64)
    d, k = X_train.shape[1], int(max(y_train.max(), y_test.max())) + 1
    steps, lr = 300, 0.05
    out = {}

    # scikit-learn: one line to fit, one to score
    out["sklearn"] = float(LogisticRegression(max_iter=1000).fit(X_train, y_train).score(X_test, y_test))

    # Keras: declare, compile, fit
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((d,)), keras.layers.Dense(k, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X_train, y_train, epochs=40, batch_size=32, verbose=0)      # not too many epochs: each costs Keras some overhead
    out["keras"] = float(model.evaluate(X_test, y_test, verbose=0)[1])

    # PyTorch: a module, a loss, an optimizer, and the loop written out
    torch.manual_seed(0)
    linear = nn.Linear(d, k)
    optimizer = torch.optim.Adam(linear.parameters(), lr=lr)
    xt, yt = torch.from_numpy(X_train), torch.from_numpy(y_train)
    for _ in range(steps):
        optimizer.zero_grad()
        nn.functional.cross_entropy(linear(xt), yt).backward()
        optimizer.step()
    with torch.no_grad():
        out["torch"] = float((linear(torch.from_numpy(X_test)).argmax(1).numpy() == y_test).mean())

    # TensorFlow Core: variables, a tape and the update by hand (plain gradient descent)
    w, b = tf.Variable(tf.zeros((d, k))), tf.Variable(tf.zeros(k))
    xtf, ytf = tf.constant(X_train), tf.constant(y_train)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(ytf, xtf @ w + b))
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(0.5 * gw)
        b.assign_sub(0.5 * gb)

    for _ in range(steps):
        step()
    pred = tf.argmax(tf.constant(X_test) @ w + b, axis=1).numpy()
    out["tf_core"] = float((pred == y_test).mean())
    return out


keras_net = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8), keras.layers.BatchNormalization(),
                              keras.layers.Dense(3)])
keras_net.layers[0].trainable = False                       # freeze the first Dense layer
trainable = sum(int(np.prod(w.shape)) for w in keras_net.trainable_weights)
print("Keras: count_params()", keras_net.count_params(), "| trainable", trainable,
      "| non-trainable", keras_net.count_params() - trainable)

torch_net = nn.Sequential(nn.Linear(5, 8), nn.BatchNorm1d(8), nn.Linear(8, 3))
torch_net[0].requires_grad_(False)                          # freeze the first Linear layer
print("torch: parameters", sum(p.numel() for p in torch_net.parameters()),
      "| trainable", sum(p.numel() for p in torch_net.parameters() if p.requires_grad),
      "| buffers", sum(b.numel() for b in torch_net.buffers()), [name for name, _ in torch_net.named_buffers()])


def count_parameters(model):
    """Number of parameters of a Keras model (all weights) or a torch module (all parameters)."""
    if isinstance(model, torch.nn.Module):
        return int(sum(p.numel() for p in model.parameters()))   # frozen ones too; buffers are not parameters
    return int(model.count_params())                             # Keras: trainable and non-trainable weights


def choose_export(needs):
    """Rules in order; the first that applies decides; a missing key counts as False."""
    if needs.get("phone", False):
        return "LiteRT (.tflite)"
    if needs.get("browser", False):
        return "TF.js"
    if needs.get("server", False):
        return "SavedModel + TF Serving"
    return ".keras file"


for case in ({}, {"server": True}, {"browser": True, "server": True}, {"phone": True, "browser": False}):
    print(f"{str(case):40s} -> {choose_export(case)}")


def choose_framework(needs):
    """The decision tree of assignment 14: 'scikit-learn', 'tensorflow', 'pytorch' or 'keras'."""
    if not needs.get("deep_learning", False):
        return "scikit-learn"
    if needs.get("deployment", False):
        return "tensorflow"
    if needs.get("research", False):
        return "pytorch"
    return "keras"
