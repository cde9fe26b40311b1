"""Hidden tests of TorchMLPClassifier: a scikit-learn estimator (get_params/clone, fit returning
self, classes_ of any labels, predict/predict_proba), seeded by random_state, that works inside
cross_val_score and GridSearchCV."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


def blobs(seed, n, d, labels):
    """Well separated Gaussian classes (float64), labelled with the given values."""
    gen = np.random.default_rng(seed)
    k = len(labels)
    angles = 2 * np.pi * (np.arange(k) / k + gen.uniform())
    centres = np.zeros((k, d))
    centres[:, 0], centres[:, 1 % d] = 5 * np.cos(angles), 5 * np.sin(angles)   # centres 5 apart or more
    idx = gen.integers(0, k, n)
    X = centres[idx] + gen.standard_normal((n, d))
    return X, np.asarray(labels)[idx]


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


@probe(uses=[blobs])
def probe_fit(mod, seed, n, d, labels, params):
    X, y = blobs(seed, n, d, labels)
    X_new, y_new = blobs(seed, 60, d, labels)
    est = mod.TorchMLPClassifier(**params)
    returned = est.fit(X, y)
    out = {"returns_self": returned is est, "classes": [str(c) for c in est.classes_]}
    proba = np.asarray(est.predict_proba(X_new), dtype=np.float64)
    pred = est.predict(X_new)
    out.update(proba=proba, pred=[str(p) for p in pred], y_new=[str(v) for v in y_new])
    return out


@probe(uses=[blobs])
def probe_seeds(mod, seed, d, labels, params):
    X, y = blobs(seed, 90, d, labels)
    runs = []
    for rs in (params["random_state"], params["random_state"], params["random_state"] + 1):
        runs.append(np.asarray(mod.TorchMLPClassifier(**{**params, "random_state": rs}).fit(X, y).predict_proba(X),
                               dtype=np.float64))
    return runs


@probe(uses=[blobs])
def probe_model_selection(mod, seed, d, labels):
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
    out["grid_pred"] = [str(p) for p in search.predict(X[:10])]
    return out


def _params(rng):
    return {"hidden": int(rng.integers(8, 33)), "epochs": int(rng.integers(60, 121)),
            "lr": float(rng.choice([0.02, 0.03, 0.05])), "random_state": int(rng.integers(0, 1000))}


def _labels(rng):
    pools = [["cat", "dog", "eel", "fox"], ["setosa", "versicolor", "virginica"], [3, 7, 11, 20], ["b", "a"]]
    pool = pools[int(rng.integers(0, len(pools)))]
    return list(pool[: int(rng.integers(2, len(pool) + 1))])


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
    d = int(rng.integers(2, 6))
    got = sub.run(probe_fit, int(rng.integers(0, 2**31 - 1)), 120, d, labels, params)
    expect(got["returns_self"], "fit should return the estimator itself (self)")
    expected_classes = [str(c) for c in np.unique(np.asarray(labels))]
    expect(got["classes"] == expected_classes, "after fit, classes_ should be np.unique(y): the sorted distinct labels")
    proba, pred, y_new = got["proba"], got["pred"], got["y_new"]
    expect(proba.shape == (len(y_new), len(labels)), "predict_proba should return one column per class in classes_")
    close(proba.sum(axis=1), np.ones(len(y_new)), "each row of predict_proba should sum to 1", atol=1e-5)
    expect(all(p in expected_classes for p in pred), "predict should return labels taken from classes_ (the original "
                                                     "labels, not class indices)")
    expect(pred == [expected_classes[i] for i in np.argmax(proba, axis=1)],
           "predict should return the class of the largest predict_proba column, in classes_ order")
    accuracy = float(np.mean(np.asarray(pred) == np.asarray(y_new)))
    expect(accuracy >= 0.9, f"on well separated classes TorchMLPClassifier reaches only {accuracy:.2f} accuracy; "
                            "it should learn them (Adam with lr, `epochs` passes over the data)")


@graded("TorchMLPClassifier", points=2)
def test_torch_mlp_is_seeded_by_random_state(sub, rng):
    params = _params(rng)
    runs = sub.run(probe_seeds, int(rng.integers(0, 2**31 - 1)), 3, ["x", "y", "z"], params)
    expect(np.array_equal(runs[0], runs[1]), "two fits with the same random_state should give identical "
                                             "predict_proba: seed torch with random_state in fit")
    expect(not np.allclose(runs[0], runs[2]), "fits with different random_state values should differ: "
                                              "random_state should seed the initial weights")


@graded("TorchMLPClassifier", points=3)
def test_torch_mlp_works_in_cross_val_score_and_grid_search(sub, rng):
    labels = _labels(rng)
    got = sub.run(probe_model_selection, int(rng.integers(0, 2**31 - 1)), int(rng.integers(2, 5)), labels)
    expect(got["clone_unfitted"], "a clone of a fitted TorchMLPClassifier should be unfitted (no classes_)")
    cv = got["cv"]
    expect(cv.shape == (3,) and bool(np.all((cv >= 0) & (cv <= 1))), "cross_val_score(est, X, y, cv=3) should give "
                                                                       "three accuracies")
    expect(float(cv.mean()) >= 0.8, "inside cross_val_score, TorchMLPClassifier should still learn well separated classes")
    expect(got["best"].get("hidden") in (4, 16) and got["best"].get("lr") in (0.02, 0.05),
           "GridSearchCV over hidden and lr should report best_params_ from the grid")
    expect(got["best_estimator"] == {"hidden": got["best"]["hidden"], "lr": got["best"]["lr"], "epochs": 60,
                                     "random_state": 3},
           "GridSearchCV's best_estimator_ should carry the best parameters and keep the others")
    expect(all(p in [str(c) for c in labels] for p in got["grid_pred"]), "GridSearchCV.predict should return labels")
