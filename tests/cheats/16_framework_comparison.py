"""Cheats against the graders of 16_framework_comparison (issue 22), one per mechanism a white-box reader
could use: labels left in a probe's frame, an estimator's reports about itself (`score`, seeding that is only
ever compared with itself, class names), accuracies the function reports without training, and arrays shaped
to make the trusted process broadcast. Each is a wrong submission plus the attack; it must earn exactly what
its wrong functions earn on their own."""
from cheat_kit import Cheat as _Cheat, dedent

A = "16_framework_comparison"

# Every graded name defined, every one wrong.
WRONG = dedent('''
    import numpy as np
    from sklearn.base import BaseEstimator, ClassifierMixin

    def sklearn_pipeline():
        return None

    def cv_accuracy(pipeline, X, y, folds=5):
        return -1.0

    def same_model_four_ways(X_train, y_train, X_test, y_test):
        return {"sklearn": -1.0, "keras": -1.0, "torch": -1.0, "tf_core": -1.0}

    def count_parameters(model):
        return -1

    def choose_framework(needs):
        return "none"

    class TorchMLPClassifier(ClassifierMixin, BaseEstimator):
        """Stores its parameters correctly (2 points of the parameter test) and learns nothing."""

        def __init__(self, hidden=32, epochs=50, lr=1e-2, random_state=0):
            self.hidden, self.epochs, self.lr, self.random_state = hidden, epochs, lr, random_state

        def fit(self, X, y):
            self.classes_ = np.unique(np.asarray(y))
            return self

        def predict_proba(self, X):
            return np.full((len(X), len(self.classes_)), 1.0 / len(self.classes_))

        def predict(self, X):
            return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
    ''')
PARAMS_ONLY = 2.0        # what WRONG earns: TorchMLPClassifier's parameter test

# scikit-learn's accuracy, computed honestly: the "sklearn" key is right (2 points), the other three are not trained.
SKLEARN_ONLY = dedent('''
    def _sklearn_accuracy(X_train, y_train, X_test, y_test):
        from sklearn.linear_model import LogisticRegression
        return float(LogisticRegression(max_iter=1000).fit(X_train, y_train).score(X_test, y_test))
    ''')


def Cheat(code, **kwargs):  # noqa: N802
    kwargs.setdefault("assignment", A)
    kwargs.setdefault("base", WRONG)
    kwargs.setdefault("earned", PARAMS_ONLY)
    return _Cheat(dedent(code), **kwargs)


CHEATS = {
    # The held-out labels were once a local of the probe that called predict: read them from the caller's frames.
    "16_predict_reads_labels_from_the_probe_frame": Cheat('''
        import sys

        def _labels_nearby(n):
            frame = sys._getframe(1)
            while frame is not None:
                for name, value in list(frame.f_locals.items()):
                    if name in ("y_new", "y_test", "labels_new") and len(value) == n:
                        return [str(v) for v in value]
                frame = frame.f_back
            return None

        class TorchMLPClassifier(TorchMLPClassifier):
            def predict(self, X):
                found = _labels_nearby(len(X))
                if found is None:
                    return super().predict(X)
                by_name = {str(c): c for c in self.classes_}
                return np.asarray([by_name.get(v, self.classes_[0]) for v in found], dtype=self.classes_.dtype)

            def predict_proba(self, X):
                found = _labels_nearby(len(X))
                if found is None:
                    return super().predict_proba(X)
                names = [str(c) for c in self.classes_]
                return np.eye(len(names))[[names.index(v) if v in names else 0 for v in found]]
        '''),

    # cross_val_score and GridSearchCV score with the estimator's own score(): say it is perfect.
    "16_score_claims_perfect_accuracy": Cheat('''
        class TorchMLPClassifier(TorchMLPClassifier):
            def score(self, X, y, sample_weight=None):
                return 1.0
        '''),

    # Seeding checked only by comparing fits with each other: probabilities that depend on random_state alone.
    "16_probabilities_depend_only_on_random_state": Cheat('''
        class TorchMLPClassifier(TorchMLPClassifier):
            def predict_proba(self, X):
                X = np.asarray(X, dtype=np.float64)
                gen = np.random.default_rng(self.random_state)
                logits = X @ gen.standard_normal((X.shape[1], len(self.classes_)))
                e = np.exp(logits - logits.max(axis=1, keepdims=True))
                return e / e.sum(axis=1, keepdims=True)
        '''),   # closed in session 5: it earned by chance; each accuracy now also needs a refit on shifted labels

    # Probabilities shaped (1, N) and then (N, 1): a trusted np.allclose would broadcast them to N x N.
    "16_probabilities_shaped_to_broadcast": Cheat('''
        _calls = [0]

        class TorchMLPClassifier(TorchMLPClassifier):
            def predict_proba(self, X):
                _calls[0] += 1
                n = 40_000
                return np.full((1, n) if _calls[0] % 3 else (n, 1), 0.5)
        '''),

    # The structure test once read class names: classes named like scikit-learn's, fitting nothing.
    "16_pipeline_of_lookalike_class_names": Cheat('''
        class StandardScaler:
            def fit(self, X, y=None):
                return self
            def fit_transform(self, X, y=None):
                return np.asarray(X, dtype=float)
            def transform(self, X):
                return np.asarray(X, dtype=float)
            def get_params(self, deep=True):
                return {}

        class LogisticRegression:
            max_iter = 1000
            def fit(self, X, y):
                return self
            def get_params(self, deep=True):
                return {"max_iter": 1000}

        class Pipeline:
            def __init__(self, steps):
                self.steps = steps
            def fit(self, X, y):
                return self
            def predict(self, X):
                from sklearn.exceptions import NotFittedError
                raise NotFittedError("not fitted")
            def predict_proba(self, X):
                return np.full((len(X), 2), 0.5)

        def sklearn_pipeline():
            return Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
        '''),

    # same_model_four_ways reports scikit-learn's accuracy under every key, training nothing else.
    "16_four_ways_copies_the_sklearn_accuracy": Cheat(SKLEARN_ONLY + dedent('''
        def same_model_four_ways(X_train, y_train, X_test, y_test):
            acc = _sklearn_accuracy(X_train, y_train, X_test, y_test)
            return {"sklearn": acc, "keras": acc, "torch": acc, "tf_core": acc}
        '''), earned=PARAMS_ONLY + 2.0),

    # ... and trains each framework for show, but reports scikit-learn's number (a value can't be told from the
    # copy, its dependence on training can).
    "16_four_ways_trains_but_reports_sklearn": Cheat(SKLEARN_ONLY + dedent('''
        def same_model_four_ways(X_train, y_train, X_test, y_test):
            import keras, torch
            acc = _sklearn_accuracy(X_train, y_train, X_test, y_test)
            k = int(max(np.max(y_train), np.max(y_test))) + 1
            model = keras.Sequential([keras.Input((np.shape(X_train)[1],)), keras.layers.Dense(k, activation="softmax")])
            model.compile("adam", "sparse_categorical_crossentropy")
            model.fit(X_train, y_train, epochs=2, verbose=0)
            linear = torch.nn.Linear(np.shape(X_train)[1], k)
            torch.nn.functional.cross_entropy(linear(torch.as_tensor(X_train)), torch.as_tensor(y_train)).backward()
            return {"sklearn": acc, "keras": acc, "torch": acc, "tf_core": acc}
        '''), earned=PARAMS_ONLY + 2.0),

    # A known hole, kept visible: code that recognises the graders' reversed gradients (here: graphs forced to run
    # eagerly) can answer that call differently. The learner's process is the learner's; any in-process
    # instrumentation can be noticed.
    "16_four_ways_notices_the_reversed_gradients": Cheat(SKLEARN_ONLY + dedent('''
        def same_model_four_ways(X_train, y_train, X_test, y_test):
            import tensorflow as tf
            acc = _sklearn_accuracy(X_train, y_train, X_test, y_test)
            other = 0.0 if tf.config.functions_run_eagerly() else acc
            return {"sklearn": acc, "keras": other, "torch": other, "tf_core": other}
        '''), earned=PARAMS_ONLY + 2.0,
        xfail="in-process instrumentation can be detected: a submission that recognises the reversed-gradient call of "
              "same_model_four_ways's graders earns its three framework points (docs/security.md, 'Not protected')"),
}
