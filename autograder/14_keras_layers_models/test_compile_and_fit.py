"""Hidden tests of compile_and_fit: Adam(1e-3), sparse categorical cross-entropy on probabilities,
accuracy, batch 32, no validation; the History is returned."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


def fresh_model(x, weights):
    """The grader's small classifier with the given initial weights (built the same on both sides)."""
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(weights[0].shape[1], activation="relu"),
                              keras.layers.Dense(weights[2].shape[1], activation="softmax")])
    model.set_weights(weights)
    return model


@probe(uses=[fresh_model])
def probe_fit(mod, x, y, epochs, weights, seed):
    model = fresh_model(x, weights)
    keras.utils.set_random_seed(seed)
    history = mod.compile_and_fit(model, x, y, epochs)
    out = {"is_history": isinstance(history, keras.callbacks.History),
           "weights": [np.asarray(w) for w in model.get_weights()]}
    if out["is_history"]:
        out["history"] = {str(k): [float(v) for v in vs] for k, vs in history.history.items()}
    return out


@probe(uses=[fresh_model])
def probe_reference(mod, x, y, epochs, weights, seed):
    """In the clean worker: the same model trained as the notebook says, with and without shuffling."""
    reference = []
    for shuffle in (True, False):
        ref = fresh_model(x, weights)
        ref.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.SparseCategoricalCrossentropy(),
                    metrics=["accuracy"])
        keras.utils.set_random_seed(seed)
        h = ref.fit(x, y, epochs=epochs, batch_size=32, verbose=0, shuffle=shuffle).history
        reference.append({"history": {str(k): [float(v) for v in vs] for k, vs in h.items()},
                          "weights": [np.asarray(w) for w in ref.get_weights()]})
    return reference


def _is_series(values, n) -> bool:
    return isinstance(values, list) and len(values) == n and all(type(v) is float for v in values)


def _same_weights(trained, reference) -> bool:
    return isinstance(trained, list) and len(trained) == len(reference) and all(
        type(a) is np.ndarray and a.shape == b.shape and np.allclose(a, b, rtol=1e-5, atol=1e-6)
        for a, b in zip(trained, reference))


def _initial_loss(x, y, weights):
    """Sparse categorical cross-entropy of the untrained model (the first epoch's loss is close to it)."""
    w1, b1, w2, b2 = (w.astype(np.float64) for w in weights)
    z = np.maximum(x @ w1 + b1, 0.0) @ w2 + b2
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(y)), y].mean())


def _draw(rng):
    n, d, k, hidden = int(rng.integers(60, 120)), int(rng.integers(3, 7)), int(rng.integers(2, 5)), int(rng.integers(6, 12))
    x = rng.standard_normal((n, d)).astype("float32")
    y = np.argmax(x @ rng.normal(0, 1, (d, k)), axis=1).astype("int64")
    weights = [rng.normal(0, 0.5, (d, hidden)).astype("float32"), np.zeros(hidden, "float32"),
               rng.normal(0, 0.5, (hidden, k)).astype("float32"), np.zeros(k, "float32")]
    return x, y, int(rng.integers(2, 5)), weights, int(rng.integers(0, 2**31 - 1))


@graded("compile_and_fit", points=1)
def test_compile_and_fit_returns_the_history(sub, rng):
    x, y, epochs, weights, seed = _draw(rng)
    got = sub.run(probe_fit, x, y, epochs, weights, seed)
    expect(got["is_history"] is True, "compile_and_fit should return the keras.callbacks.History that fit returns")
    history = got["history"]
    expect(sorted(history) == ["accuracy", "loss"],
           "the history should hold exactly 'loss' and 'accuracy' (metrics=['accuracy'], no validation data)")
    expect(all(_is_series(v, epochs) for v in history.values()), "the history should hold one value per epoch")
    trained = got["weights"]
    expect(isinstance(trained, list) and len(trained) == len(weights)
           and all(type(a) is np.ndarray and a.shape == b.shape for a, b in zip(trained, weights)),
           "compile_and_fit should train the model it is given, not replace it")
    expect(all(bool(np.all(np.isfinite(a))) for a in trained)
           and not all(np.array_equal(a, b) for a, b in zip(trained, weights)),
           "compile_and_fit should train the model it is given: its weights did not change")
    first = history["loss"][0]
    initial = _initial_loss(x, y, weights)
    expect(abs(first - initial) <= 0.05 * initial + 0.01,
           "the history's first loss is not the cross-entropy of the model being trained: return fit's own History")


@graded("compile_and_fit", points=3)
def test_compile_and_fit_trains_with_adam_and_sparse_crossentropy(sub, rng):
    x, y, epochs, weights, seed = _draw(rng)
    got = sub.run(probe_fit, x, y, epochs, weights, seed)
    expect(got["is_history"] is True, "compile_and_fit should return the keras.callbacks.History that fit returns")
    loss = got["history"].get("loss")
    expect(_is_series(loss, epochs), "the history should hold one 'loss' per epoch")
    reference = sub.clean(probe_reference, x, y, epochs, weights, seed)
    # the losses of an epoch average over its batches, so the batches' size shows in the weights
    matches = [bool(np.allclose(loss, ref["history"]["loss"], rtol=1e-4, atol=1e-5))
               and _same_weights(got["weights"], ref["weights"])
               for ref in reference]
    expect(any(matches), "the losses or the trained weights differ from training with Adam(learning_rate=1e-3), "
                         "sparse categorical cross-entropy on the model's probabilities (from_logits=False) and "
                         "batches of 32")
    ref = reference[matches.index(True)]["history"]
    accuracy = got["history"].get("accuracy")
    expect(_is_series(accuracy, epochs), "the history should hold one 'accuracy' per epoch (metrics=['accuracy'])")
    close(accuracy, ref["accuracy"], "the 'accuracy' history differs from Keras's accuracy metric", rtol=1e-4, atol=1e-5)


@probe
def probe_compiled_loss(mod, x, y, weights, probs, labels):
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(weights[0].shape[1], activation="relu"),
                              keras.layers.Dense(weights[2].shape[1], activation="softmax")])
    model.set_weights(weights)
    mod.compile_and_fit(model, x, y, 1)
    loss = keras.losses.get(model.loss) if isinstance(model.loss, str) else model.loss
    if not callable(loss):
        return None
    # plain arrays of probabilities: what the compiled loss makes of them, without Keras's graph-mode rescue
    return float(np.mean(np.asarray(loss(tf.constant(labels), tf.constant(probs)))))


@graded("compile_and_fit", points=1)
def test_compile_and_fit_loss_reads_probabilities_not_logits(sub, rng):
    x, y, _, weights, _ = _draw(rng)
    k = weights[2].shape[1]
    probs = rng.dirichlet(np.ones(k), size=16).astype("float32")
    labels = rng.integers(0, k, 16).astype("int64")
    got = sub.run(probe_compiled_loss, x, y, weights, probs, labels)
    expect(got is not None, "compile_and_fit should compile the model with a loss")
    expected = float(np.mean(-np.log(probs[np.arange(16), labels])))
    close(got, expected, "the compiled loss should be sparse categorical cross-entropy on probabilities: the model "
                         "ends in a softmax, so from_logits must be False (softmax plus from_logits=True applies "
                         "the softmax twice)", rtol=1e-3, atol=1e-4)
