"""Hidden tests of TorchMLPClassifier: a scikit-learn estimator (get_params/clone, fit returning
self, classes_ of any labels, predict/predict_proba), seeded by random_state in `fit`, that works
inside cross_val_score and GridSearchCV.

What the learner's process sees: the training data (which `fit` receives anyway) and unlabelled
points to predict. The labels of those points are drawn here and never leave this process, so every
accuracy below is computed here from the learner's predictions; nothing the estimator says about
itself (`score`, its own accuracy) decides a point.
"""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


def centres_for(seed, d, k):
    """k class centres in d dimensions, at least 5 apart (on a circle in the first two coordinates)."""
    gen = np.random.default_rng(seed)
    angles = 2 * np.pi * (np.arange(k) / k + gen.uniform())
    centres = np.zeros((k, d))
    centres[:, 0], centres[:, 1 % d] = 5 * np.cos(angles), 5 * np.sin(angles)
    return centres


def blobs(seed, n, d, labels, draw=0):
    """Well separated Gaussian classes (float64), labelled with the given values; `draw` picks
    another sample around the same centres."""
    centres = centres_for(seed, d, len(labels))
    gen = np.random.default_rng([seed, 1 + draw])
    idx = gen.integers(0, len(labels), n)
    X = centres[idx] + gen.standard_normal((n, d))
    return X, np.asarray(labels)[idx]


def shifted(y, labels):
    """Each label replaced by the next one in ``labels``: no point keeps its class, so an estimator that
    ignores y cannot be right for both labellings."""
    order = list(labels)
    return np.asarray([order[(order.index(v) + 1) % len(order)] for v in np.asarray(y).tolist()])


def _as_matrix(value, rows, cols):
    """The learner's probabilities as a float array of exactly (rows, cols), else None (checked
    before any arithmetic, so nothing broadcasts)."""
    if not isinstance(value, np.ndarray) or value.shape != (rows, cols):
        return None
    try:
        return value.astype(np.float64)
    except (TypeError, ValueError):
        return None


def _accuracy(pred, truth) -> float:
    if not isinstance(pred, list) or len(pred) != len(truth):
        return 0.0
    return float(np.mean([p == str(t) for p, t in zip(pred, truth)]))


@probe
def probe_params(mod, params):
    from sklearn.base import clone

    est = mod.TorchMLPClassifier(**params)
    out = {"params": {str(k): v for k, v in est.get_params().items()}}
    out["default"] = {str(k): v for k, v in mod.TorchMLPClassifier().get_params().items()}
    twin = clone(est)
    out["clone_params"] = {str(k): v for k, v in twin.get_params().items()}
    est.set_params(hidden=7)
    out["after_set"] = est.get_params()["hidden"]
    return out


@probe(uses=[centres_for, blobs, shifted])
def probe_fit(mod, seed, n, d, labels, params, X_new):
    X, y = blobs(seed, n, d, labels)
    est = mod.TorchMLPClassifier(**params)
    returned = est.fit(X, y)
    out = {"returns_self": returned is est, "classes": [str(c) for c in est.classes_]}
    out["proba"] = np.asarray(est.predict_proba(X_new), dtype=np.float64)
    out["pred"] = [str(p) for p in est.predict(X_new)]
    out["pred_shifted"] = [str(p) for p in mod.TorchMLPClassifier(**params).fit(X, shifted(y, labels)).predict(X_new)]
    return out


@probe(uses=[centres_for, blobs])
def probe_seeds(mod, seed, d, labels, params, X_new, noise_seeds):
    """Fits with torch's global generator scrambled before each one: a second fit of the same
    estimator, a fresh estimator with the same random_state, and one with another random_state."""
    X, y = blobs(seed, 90, d, labels)

    def fit(est, noise):
        torch.manual_seed(noise)
        return np.asarray(est.fit(X, y).predict_proba(X_new), dtype=np.float64)

    est = mod.TorchMLPClassifier(**params)
    first = fit(est, noise_seeds[0])
    again = fit(est, noise_seeds[1])
    twin = fit(mod.TorchMLPClassifier(**params), noise_seeds[2])
    other = fit(mod.TorchMLPClassifier(**{**params, "random_state": params["random_state"] + 1}), noise_seeds[3])
    return [first, again, twin, other]


@probe(uses=[centres_for, blobs, shifted])
def probe_model_selection(mod, seed, d, labels, X_new):
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV, cross_val_score

    X, y = blobs(seed, 90, d, labels)
    est = mod.TorchMLPClassifier(hidden=16, epochs=60, lr=0.02, random_state=3)
    fitted = clone(est).fit(X, y)
    fresh = clone(fitted)
    out = {"clone_unfitted": not hasattr(fresh, "classes_")}
    out["cv"] = np.asarray(cross_val_score(est, X, y, cv=3), dtype=np.float64)
    grid = {"hidden": [4, 16], "lr": [0.02, 0.05]}
    search = GridSearchCV(est, grid, cv=3).fit(X, y)
    out["best"] = {str(k): v for k, v in search.best_params_.items()}
    chosen = search.best_estimator_.get_params()
    out["best_estimator"] = {k: chosen[k] for k in ("hidden", "lr", "epochs", "random_state")}
    out["grid_pred"] = [str(p) for p in search.predict(X_new)]
    refit = clone(search.best_estimator_).fit(X, shifted(y, labels))
    out["grid_pred_shifted"] = [str(p) for p in refit.predict(X_new)]
    return out


def _params(rng):
    return {"hidden": int(rng.integers(8, 33)), "epochs": int(rng.integers(60, 121)),
            "lr": float(rng.choice([0.02, 0.03, 0.05])), "random_state": int(rng.integers(0, 1000))}


def _labels(rng):
    pools = [["cat", "dog", "eel", "fox"], ["setosa", "versicolor", "virginica"], [3, 7, 11, 20], ["b", "a"]]
    pool = pools[int(rng.integers(0, len(pools)))]
    return list(pool[: int(rng.integers(2, len(pool) + 1))])


def _seed(rng) -> int:
    return int(rng.integers(0, 2**31 - 1))


@graded("TorchMLPClassifier", points=2)
def test_torch_mlp_params_are_stored_as_given_and_clone(sub, rng):
    params = _params(rng)
    got = sub.run(probe_params, params)
    expect(got["default"] == {"hidden": 32, "epochs": 50, "lr": 1e-2, "random_state": 0},
           "TorchMLPClassifier() should have the defaults hidden=32, epochs=50, lr=1e-2, random_state=0, "
           "and exactly these four parameters")
    expect(got["params"] == params, "get_params() should return the four constructor arguments exactly as given: "
                                    "__init__ only stores them, unchanged, under the same names")
    expect(got["clone_params"] == params, "sklearn.base.clone should rebuild an estimator with the same parameters")
    expect(got["after_set"] == 7, "set_params(hidden=7) should change the hidden parameter")


@graded("TorchMLPClassifier", points=3)
def test_torch_mlp_learns_any_labels_and_predicts_them(sub, rng):
    labels, params = _labels(rng), _params(rng)
    d, seed = int(rng.integers(2, 6)), _seed(rng)
    X_new, y_new = blobs(seed, 60, d, labels, draw=1)          # y_new stays here
    got = sub.run(probe_fit, seed, 120, d, labels, params, X_new)
    expect(got["returns_self"] is True, "fit should return the estimator itself (self)")
    expected_classes = [str(c) for c in np.unique(np.asarray(labels))]
    expect(got["classes"] == expected_classes, "after fit, classes_ should be np.unique(y): the sorted distinct labels")
    proba = _as_matrix(got["proba"], len(y_new), len(labels))
    expect(proba is not None, "predict_proba should return an array with one row per sample and one column per "
                              "class in classes_")
    close(proba.sum(axis=1), np.ones(len(y_new)), "each row of predict_proba should sum to 1", atol=1e-5)
    pred = got["pred"]
    expect(isinstance(pred, list) and len(pred) == len(y_new) and all(p in expected_classes for p in pred),
           "predict should return one label per sample, taken from classes_ (the original labels, not class indices)")
    expect(pred == [expected_classes[i] for i in np.argmax(proba, axis=1)],
           "predict should return the class of the largest predict_proba column, in classes_ order")
    accuracy = min(_accuracy(pred, y_new), _accuracy(got["pred_shifted"], shifted(y_new, labels)))
    expect(accuracy >= 0.9, f"on well separated classes TorchMLPClassifier reaches only {accuracy:.2f} accuracy on "
                            "new points; it should learn them from y (Adam with lr, `epochs` passes over the data)")


@graded("TorchMLPClassifier", points=2)
def test_torch_mlp_is_seeded_by_random_state_in_fit(sub, rng):
    params, labels, d, seed = _params(rng), ["x", "y", "z"], 3, _seed(rng)
    X_new, y_new = blobs(seed, 60, d, labels, draw=1)
    noise = [int(v) for v in rng.integers(0, 2**31 - 1, 4)]
    runs = sub.run(probe_seeds, seed, d, labels, params, X_new, noise)
    expect(isinstance(runs, list) and len(runs) == 4, "TorchMLPClassifier could not be fitted several times")
    first, again, twin, other = (_as_matrix(r, len(y_new), len(labels)) for r in runs)
    expect(all(p is not None for p in (first, again, twin, other)),
           "predict_proba should return an array with one row per sample and one column per class")
    for proba in (first, other):
        accuracy = float(np.mean(np.asarray(labels)[np.argmax(proba, axis=1)] == y_new))
        expect(accuracy >= 0.9, "a fitted TorchMLPClassifier should learn well separated classes before its seeding "
                                "can be judged")
    expect(np.array_equal(first, again), "fitting the same estimator twice on the same data should give identical "
                                         "predict_proba: seed torch with random_state inside fit, not in __init__")
    expect(np.array_equal(first, twin), "two estimators with the same random_state should give identical predict_proba "
                                        "whatever happened to torch's random generator before fit: seed it in fit")
    expect(not np.allclose(first, other), "fits with different random_state values should differ: "
                                          "random_state should seed the initial weights")


@graded("TorchMLPClassifier", points=3)
def test_torch_mlp_works_in_cross_val_score_and_grid_search(sub, rng):
    labels, seed = _labels(rng), _seed(rng)
    d = int(rng.integers(2, 5))
    X_new, y_new = blobs(seed, 60, d, labels, draw=1)
    got = sub.run(probe_model_selection, seed, d, labels, X_new)
    expect(got["clone_unfitted"] is True, "a clone of a fitted TorchMLPClassifier should be unfitted (no classes_)")
    cv = got["cv"]
    expect(isinstance(cv, np.ndarray) and cv.shape == (3,) and bool(np.all((cv >= 0) & (cv <= 1))),
           "cross_val_score(est, X, y, cv=3) should give three accuracies")
    best = got["best"]
    expect(isinstance(best, dict) and best.get("hidden") in (4, 16) and best.get("lr") in (0.02, 0.05),
           "GridSearchCV over hidden and lr should report best_params_ from the grid")
    expect(got["best_estimator"] == {"hidden": best["hidden"], "lr": best["lr"], "epochs": 60, "random_state": 3},
           "GridSearchCV's best_estimator_ should carry the best parameters and keep the others")
    accuracy = min(_accuracy(got["grid_pred"], y_new), _accuracy(got["grid_pred_shifted"], shifted(y_new, labels)))
    expect(accuracy >= 0.9, "the estimator GridSearchCV refits should predict new points of well separated classes "
                            "well; inside GridSearchCV TorchMLPClassifier does not learn")
