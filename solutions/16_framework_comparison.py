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


if __name__ == "__main__":
    import warnings

    x_tf, x_torch = tf.random.normal((64,)), torch.randn(64)
    graph_tf = tf.function(many_small_ops_tf)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                # torch.jit is deprecated in favour of torch.export/compile
        scripted = torch.jit.trace(many_small_ops_torch, (x_torch,))
    timings = {"TF eager": time_calls(many_small_ops_tf, x_tf), "TF tf.function": time_calls(graph_tf, x_tf),
               "torch eager": time_calls(many_small_ops_torch, x_torch),
               "torch TorchScript": time_calls(scripted, x_torch)}
    for name, seconds in timings.items():
        print(f"{name:18s} {seconds * 1e6:8.0f} µs per call")
    fig, ax = plt.subplots(figsize=(6, 2.5))
    ax.barh(list(timings), [s * 1e6 for s in timings.values()], color=["#f4a582", "#92c5de"] * 2)
    ax.set_xlabel("µs per call (150 tiny ops)"); ax.invert_yaxis()
    plt.show()


if __name__ == "__main__":
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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sizes["TF Lite (Keras)"] = len(tf.lite.TFLiteConverter.from_keras_model(keras_model).convert())
        buffer = io.BytesIO()
        torch.jit.save(torch.jit.script(torch_model), buffer)
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


class TorchMLPClassifier(ClassifierMixin, BaseEstimator):
    """A one-hidden-layer PyTorch MLP with scikit-learn's estimator API."""

    def __init__(self, hidden=32, epochs=50, lr=1e-2, random_state=0):
        self.hidden = hidden              # store the arguments as given, nothing else
        self.epochs = epochs
        self.lr = lr
        self.random_state = random_state

    def fit(self, X, y):
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
        self.model_.eval()
        with torch.no_grad():
            logits = self.model_(torch.as_tensor(np.asarray(X, dtype=np.float32)))
        return torch.softmax(logits, dim=1).numpy().astype(np.float64)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


if __name__ == "__main__":
    from sklearn.datasets import load_iris
    from sklearn.model_selection import GridSearchCV

    X_iris, y_iris = load_iris(return_X_y=True)
    names = load_iris().target_names[y_iris]                       # string labels work too
    pipe = Pipeline([("scale", StandardScaler()), ("mlp", TorchMLPClassifier(epochs=30))])
    print("5-fold accuracy:", cross_val_score(pipe, X_iris, names, cv=5).mean().round(3))
    search = GridSearchCV(pipe, {"mlp__hidden": [4, 32], "mlp__lr": [1e-3, 1e-2]}, cv=3).fit(X_iris, names)
    print("best:", search.best_params_, "score", round(search.best_score_, 3))


def same_model_four_ways(X_train, y_train, X_test, y_test):
    """Test accuracy of one multinomial logistic regression written in four frameworks."""
    X_train, X_test = np.asarray(X_train, np.float32), np.asarray(X_test, np.float32)
    y_train, y_test = np.asarray(y_train, np.int64), np.asarray(y_test, np.int64)
    d, k = X_train.shape[1], int(max(y_train.max(), y_test.max())) + 1
    steps, lr = 300, 0.05
    out = {}

    # scikit-learn: one line to fit, one to score
    out["sklearn"] = float(LogisticRegression(max_iter=1000).fit(X_train, y_train).score(X_test, y_test))

    # Keras: declare, compile, fit (full batch: one step per epoch)
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


def count_parameters(model):
    """Number of parameters of a Keras model (all weights) or a torch module (all parameters)."""
    if isinstance(model, torch.nn.Module):
        return int(sum(p.numel() for p in model.parameters()))   # frozen ones too; buffers are not parameters
    return int(model.count_params())                             # Keras: trainable and non-trainable weights


def choose_framework(needs):
    """The decision tree of assignment 14: 'scikit-learn', 'tensorflow', 'pytorch' or 'keras'."""
    if not needs.get("deep_learning", False):
        return "scikit-learn"
    if needs.get("deployment", False):
        return "tensorflow"
    if needs.get("research", False):
        return "pytorch"
    return "keras"
