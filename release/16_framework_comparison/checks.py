"""Visible checks of 16_framework_comparison: small fixed examples you can read.

The hidden tests check the same contracts more thoroughly, on fresh random data.
"""
import numpy as np

from dlcourse.visible import Checks

checks = Checks()


def _toy(n=60, seed=0):
    gen = np.random.default_rng(seed)
    X = gen.standard_normal((n, 3)) * [1.0, 100.0, 0.01]
    y = (X[:, 0] + X[:, 2] * 100 > 0).astype(int)
    return X, y


@checks.of("sklearn_pipeline")
def _(sklearn_pipeline):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    pipe = sklearn_pipeline()
    checks.expect(isinstance(pipe, Pipeline), f"expected a Pipeline, got a {type(pipe).__name__}")
    first, last = pipe.steps[0][1], pipe.steps[-1][1]
    checks.expect(isinstance(first, StandardScaler), f"the first step should be a StandardScaler, not {first!r}")
    checks.expect(isinstance(last, LogisticRegression) and last.max_iter == 1000,
                  f"the last step should be LogisticRegression(max_iter=1000), not {last!r}")
    checks.expect(not hasattr(first, "mean_"), "the pipeline should be returned unfitted")


@checks.of("cv_accuracy")
def _(cv_accuracy):
    from sklearn.model_selection import cross_val_score
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import Pipeline

    X, y = _toy()
    knn = Pipeline([("knn", KNeighborsClassifier())])
    value = cv_accuracy(knn, X, y, folds=3)
    want = cross_val_score(knn, X, y, cv=3).mean()
    checks.expect(isinstance(value, float), f"cv_accuracy should return a float, got a {type(value).__name__}")
    checks.expect(abs(value - want) < 1e-12,
                  f"for a k-NN pipeline without a scaler, 3 folds, expected {want:.4f}, got {value:.4f} "
                  "(fit nothing outside the cross-validation)")


@checks.of("TorchMLPClassifier")
def _(TorchMLPClassifier):
    from sklearn.base import clone

    est = TorchMLPClassifier(hidden=8, epochs=40, lr=0.05, random_state=1)
    checks.expect(est.get_params() == {"hidden": 8, "epochs": 40, "lr": 0.05, "random_state": 1},
                  f"get_params() should return the four arguments as given, got {est.get_params()}")
    checks.expect(clone(est).get_params() == est.get_params(), "clone(est) should have the same parameters")
    X, y = _toy()
    labels = np.array(["no", "yes"])[y]
    checks.expect(est.fit(X, labels) is est, "fit should return self")
    checks.expect(list(est.classes_) == ["no", "yes"], f"classes_ should be ['no', 'yes'], got {list(est.classes_)}")
    proba = est.predict_proba(X[:5])
    checks.expect(np.shape(proba) == (5, 2) and np.allclose(np.sum(proba, axis=1), 1, atol=1e-5),
                  "predict_proba should give 2 probabilities per row, summing to 1")
    checks.expect(set(est.predict(X)) <= {"no", "yes"}, "predict should return the original labels")
    again = TorchMLPClassifier(hidden=8, epochs=40, lr=0.05, random_state=1).fit(X, labels).predict_proba(X[:5])
    checks.expect(np.array_equal(proba, again), "two fits with the same random_state should give identical probabilities")
    refit = est.fit(X, labels).predict_proba(X[:5])
    checks.expect(np.array_equal(proba, refit), "fitting the same estimator a second time should give identical "
                                                "probabilities: seed torch in fit, not in __init__")


@checks.of("same_model_four_ways")
def _(same_model_four_ways):
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = load_iris(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.5, stratify=y, random_state=0)
    scaler = StandardScaler().fit(X_tr)
    out = same_model_four_ways(scaler.transform(X_tr).astype("float32"), y_tr,
                               scaler.transform(X_te).astype("float32"), y_te)
    checks.expect(isinstance(out, dict) and sorted(out) == ["keras", "sklearn", "tf_core", "torch"],
                  f"expected a dict with keys 'sklearn', 'keras', 'torch', 'tf_core'; got {out!r}")
    checks.expect(all(isinstance(v, float) for v in out.values()), f"every value should be a float: {out}")
    for key, value in out.items():
        checks.expect(abs(value - out["sklearn"]) <= 0.05,
                      f"on iris, {key} reaches {value:.3f} but scikit-learn {out['sklearn']:.3f}: train it longer?")


@checks.of("count_parameters")
def _(count_parameters):
    import keras
    import torch

    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))
    net[0].requires_grad_(False)
    n = count_parameters(net)
    checks.expect(isinstance(n, int), f"count_parameters should return an int, got a {type(n).__name__}")
    checks.expect(n == 16 + 8 + 10, f"Linear(3,4) [frozen] + BatchNorm1d(4) + Linear(4,2) has 34 parameters "
                                    f"(buffers excluded); got {n}")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.BatchNormalization(),
                              keras.layers.Dense(2)])
    n = count_parameters(model)
    checks.expect(n == 16 + 16 + 10, f"Dense(4) + BatchNormalization + Dense(2) on 3 features has 42 weights "
                                     f"(moving statistics included); got {n}")


@checks.of("choose_framework")
def _(choose_framework):
    cases = [({}, "scikit-learn"), ({"deep_learning": True}, "keras"),
             ({"deep_learning": True, "research": True}, "pytorch"),
             ({"deep_learning": True, "deployment": True, "research": True}, "tensorflow"),
             ({"deep_learning": False, "deployment": True}, "scikit-learn")]
    for needs, want in cases:
        got = choose_framework(needs)
        checks.expect(got == want, f"choose_framework({needs}) should be {want!r}, got {got!r}")


check = checks.check
needs = checks.needs
