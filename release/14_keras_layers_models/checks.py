"""Visible checks of 14_keras_layers_models: small fixed examples you can read.

The hidden tests check the same contracts more thoroughly, on fresh random inputs (and the digits
CNN after 20 epochs of training).
"""
import numpy as np

from dlcourse.visible import Checks

checks = Checks()


def _shape(t):
    return tuple(None if d is None else int(d) for d in t.shape)


@checks.of("sequential_mlp")
def _(sequential_mlp):
    import keras

    model = sequential_mlp(10, [32, 16], 3, 0.2)
    checks.expect(isinstance(model, keras.Sequential), f"expected a keras.Sequential, got a {type(model).__name__}")
    checks.expect(_shape(model.inputs[0]) == (None, 10), "the model should start from keras.Input((10,))")
    kinds = [type(layer).__name__ for layer in model.layers]
    checks.expect(kinds == ["Dense", "Dropout", "Dense", "Dropout", "Dense"],
                  f"sequential_mlp(10, [32, 16], 3, 0.2) should have the layers Dense, Dropout, Dense, Dropout, "
                  f"Dense; it has {kinds}")
    units = [layer.units for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    checks.expect(units == [32, 16, 3], f"the Dense layers should have 32, 16 and 3 units, not {units}")
    rates = [layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)]
    checks.expect(np.allclose(rates, 0.2), f"the Dropout rates should be 0.2, not {rates}")
    p = np.asarray(model(np.ones((4, 10), "float32")))
    checks.expect(p.shape == (4, 3) and np.allclose(p.sum(axis=1), 1, atol=1e-5) and (p >= 0).all(),
                  "the output should be softmax probabilities: 3 per example, summing to 1")


@checks.of("functional_two_inputs")
def _(functional_two_inputs):
    import keras

    model = functional_two_inputs(5, 7, 30, 4)
    checks.expect(isinstance(model, keras.Model), f"expected a keras.Model, got a {type(model).__name__}")
    names = sorted(t.name for t in model.inputs)
    checks.expect(names == ["numeric", "tokens"], f"the inputs should be named 'numeric' and 'tokens', not {names}")
    out = model({"numeric": np.ones((2, 5), "float32"), "tokens": np.arange(14, dtype="int32").reshape(2, 7)})
    if not isinstance(out, dict):
        out = dict(zip(model.output_names, out))
    checks.expect(sorted(out) == ["label", "score"], f"the outputs should be named 'label' and 'score', not {sorted(out)}")
    label, score = np.asarray(out["label"]), np.asarray(out["score"])
    checks.expect(label.shape == (2, 4) and np.allclose(label.sum(axis=1), 1, atol=1e-5),
                  f"'label' should be 4 softmax probabilities per example; got shape {label.shape}")
    checks.expect(score.shape == (2, 1), f"'score' should have shape (2, 1), not {score.shape}")


@checks.of("digits_cnn")
def _(digits_cnn):
    import keras

    model = digits_cnn()
    checks.expect(_shape(model.inputs[0]) == (None, 8, 8, 1), "the model should start from keras.Input((8, 8, 1))")
    kinds = {type(layer).__name__ for layer in model._flatten_layers(include_self=False, recursive=True)}
    for family in ["Conv2D", "BatchNormalization", "Dropout", "Flatten", "Dense"]:
        checks.expect(family in kinds, f"digits_cnn should use a {family} layer")
    checks.expect({"MaxPooling2D", "AveragePooling2D"} & kinds, "digits_cnn should use MaxPooling2D or AveragePooling2D")
    p = np.asarray(model(np.zeros((3, 8, 8, 1), "float32")))
    checks.expect(p.shape == (3, 10) and np.allclose(p.sum(axis=1), 1, atol=1e-5),
                  f"the output should be 10 softmax probabilities per image; got shape {p.shape}")
    checks.expect(model.count_params() < 500_000, f"{model.count_params()} parameters is far more than 8x8 digits need")


@checks.of("rnn_param_count")
def _(rnn_param_count):
    n = rnn_param_count("lstm", 4, 8)
    checks.expect(isinstance(n, int), f"rnn_param_count should return an int, got a {type(n).__name__}")
    checks.expect(n == 416, f"keras.layers.LSTM(8) on 4 features has 416 parameters; got {n}")
    n = rnn_param_count("gru", 4, 8)
    checks.expect(n == 336, f"keras.layers.GRU(8) on 4 features (reset_after=True) has 336 parameters; got {n}")


@checks.of("sequence_model")
def _(sequence_model):
    import keras

    for kind, layer in (("lstm", "LSTM"), ("gru", "GRU")):
        model = sequence_model(kind, 20, 4, 6)
        kinds = [type(lay).__name__ for lay in model._flatten_layers(include_self=False, recursive=True)]
        checks.expect(layer in kinds and "Embedding" in kinds,
                      f"sequence_model({kind!r}, ...) should use Embedding and {layer}; it has {kinds}")
        for length in (3, 9):
            out = model(np.ones((2, length), "int32"))
            checks.expect(tuple(out.shape) == (2, 6),
                          f"on 2 sequences of length {length}, the output should be (2, 6), not {tuple(out.shape)}")
    try:
        sequence_model("rnn", 20, 4, 6)
    except ValueError:
        pass
    else:
        checks.expect(False, "sequence_model('rnn', ...) should raise ValueError")


@checks.of("text_cnn")
def _(text_cnn):
    import keras

    model = text_cnn(30, 4, 5, 3, 2)
    checks.expect(isinstance(model, keras.Model), f"expected a keras.Model, got a {type(model).__name__}")
    checks.expect(_shape(model.inputs[0]) == (None, None) and "int" in str(model.inputs[0].dtype),
                  "the model should start from keras.Input((None,), dtype='int32'): integer ids, any length")
    kinds = [type(lay).__name__ for lay in model._flatten_layers(include_self=False, recursive=True)]
    for layer in ("Embedding", "Conv1D", "GlobalMaxPooling1D", "Dense"):
        checks.expect(layer in kinds, f"text_cnn should use {layer}; it has {kinds}")
    conv = [lay for lay in model._flatten_layers(include_self=False, recursive=True)
            if isinstance(lay, keras.layers.Conv1D)][0]
    checks.expect(conv.filters == 5 and tuple(conv.kernel_size) == (3,) and conv.padding == "valid",
                  f"text_cnn(30, 4, 5, 3, 2) should hold Conv1D(5, 3) with padding 'valid'; it has "
                  f"Conv1D({conv.filters}, {conv.kernel_size[0]}, padding={conv.padding!r})")
    for length in (3, 11):
        p = np.asarray(model(np.ones((2, length), "int32")))
        checks.expect(p.shape == (2, 2) and np.allclose(p.sum(axis=1), 1, atol=1e-5),
                      f"on 2 texts of {length} ids the output should be (2, 2) softmax probabilities; got shape {p.shape}")
    checks.expect(model.count_params() == 30 * 4 + 3 * 4 * 5 + 5 + 5 * 2 + 2,
                  f"text_cnn(30, 4, 5, 3, 2) should have 30*4 + 3*4*5+5 + 5*2+2 = 197 parameters, not {model.count_params()}")


@checks.of("compile_and_fit")
def _(compile_and_fit):
    import keras

    x = np.linspace(-1, 1, 80, dtype="float32").reshape(40, 2)
    y = (x[:, 0] > 0).astype("int64")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    history = compile_and_fit(model, x, y, 3)
    checks.expect(isinstance(history, keras.callbacks.History), f"expected a History, got a {type(history).__name__}")
    checks.expect(sorted(history.history) == ["accuracy", "loss"],
                  f"the history should hold 'loss' and 'accuracy' only, not {sorted(history.history)}")
    checks.expect(len(history.history["loss"]) == 3, "3 epochs should give 3 losses")
    checks.expect(isinstance(model.optimizer, keras.optimizers.Adam)
                  and abs(float(model.optimizer.learning_rate) - 1e-3) < 1e-9,
                  "the model should be compiled with Adam(learning_rate=1e-3)")
    loss = model.loss if not isinstance(model.loss, str) else keras.losses.get(model.loss)
    checks.expect(not getattr(loss, "get_config", lambda: {})().get("from_logits", False),
                  "the model ends in a softmax: the loss must not use from_logits=True")


check = checks.check
needs = checks.needs
