"""Hidden tests of transfer_model: a new Input, the frozen base called with training=False, global
average pooling for a 4-D feature map, and a softmax Dense head, the only trainable part."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


def make_base(kind, width, seed):
    """The grader's pre-trained stand-in: a conv base (4-D output) or a dense base (2-D output)."""
    keras.utils.set_random_seed(seed)
    if kind == "conv":
        base = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(6, 3, padding="same"),
                                 keras.layers.BatchNormalization(), keras.layers.ReLU(),
                                 keras.layers.Conv2D(width, 3)], name=f"conv_base_{seed}")
    else:
        inputs = keras.Input((5,))
        h = keras.layers.Dense(8)(inputs)
        h = keras.layers.BatchNormalization()(h)
        base = keras.Model(inputs, keras.layers.Dense(width, activation="relu")(h), name=f"dense_base_{seed}")
    for layer in base.layers:           # non-trivial moving statistics, as after pre-training
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.moving_mean.assign(np.linspace(-0.5, 0.5, layer.moving_mean.shape[0]).astype("float32"))
            layer.moving_variance.assign(np.linspace(0.5, 2.0, layer.moving_variance.shape[0]).astype("float32"))
    return base


def _inputs(kind, n, seed):
    shape = (n, 8, 8, 1) if kind == "conv" else (n, 5)
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


@probe(uses=[make_base, _inputs])
def probe_structure(mod, kind, width, num_classes, seed):
    base = make_base(kind, width, seed)
    model = mod.transfer_model(base, num_classes)
    calls = []
    for node in base._inbound_nodes:            # Keras 3: each call of a layer on symbolic inputs is a Node
        args, kwargs = node.arguments.args, node.arguments.kwargs
        flag = kwargs["training"] if "training" in kwargs else (args[1] if len(args) > 1 else "absent")
        calls.append(flag if flag is None or isinstance(flag, bool) else str(flag))
    return {"is_model": isinstance(model, keras.Model), "calls": calls,
            "base_trainable": bool(base.trainable),
            "base_in_model": any(layer is base for layer in model.layers),
            "new_input": all(t is not base.inputs[0] for t in model.inputs),
            "trainable_shapes": [list(w.shape) for w in model.trainable_weights]}


@graded("transfer_model", points=2)
def test_transfer_model_calls_base_with_training_false(sub, rng):
    for kind in ("conv", "dense"):
        got = sub.run(probe_structure, kind, int(rng.integers(3, 7)), int(rng.integers(2, 6)), int(rng.integers(10**6)))
        expect(got["is_model"], "transfer_model should return a keras.Model")
        expect(got["base_in_model"] and got["new_input"] and len(got["calls"]) >= 1,
               "transfer_model should call the base, as one layer, on a new keras.Input (not reuse base.input / base.output)")
        expect(all(flag is False for flag in got["calls"]),
               "the base should be called with training=False, so that it runs in inference mode "
               "(its BatchNormalization uses its moving statistics) even when the model is later unfrozen")


@graded("transfer_model", points=1)
def test_transfer_model_only_the_head_is_trainable(sub, rng):
    for kind in ("conv", "dense"):
        width, classes = int(rng.integers(3, 7)), int(rng.integers(2, 6))
        got = sub.run(probe_structure, kind, width, classes, int(rng.integers(10**6)))
        expect(not got["base_trainable"], "transfer_model should freeze the base: base.trainable = False")
        expect(sorted(got["trainable_shapes"]) == sorted([[width, classes], [classes]]),
               "the only trainable weights of the model should be the new head's kernel (features, num_classes) "
               "and bias (num_classes,)")


@probe(uses=[make_base, _inputs])
def probe_outputs(mod, kind, width, num_classes, seed, n):
    base = make_base(kind, width, seed)
    x = _inputs(kind, n, seed)
    features = np.asarray(base(x, training=False))
    before = [np.array(w) for w in base.weights]
    model = mod.transfer_model(base, num_classes)
    heads = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    probs = np.asarray(model(x, training=False))
    head = [np.array(w) for w in heads[-1].get_weights()] if heads else None
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    model.fit(x, np.arange(n) % num_classes, epochs=1, batch_size=n, verbose=0)
    after = [np.array(w) for w in base.weights]
    return {"features": features, "probs": probs, "head": head,
            "base_unchanged": all(np.array_equal(a, b) for a, b in zip(before, after))}


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@graded("transfer_model", points=2)
def test_transfer_model_pools_feature_maps_and_ends_in_softmax(sub, rng):
    for kind in ("conv", "dense"):
        width, classes, n = int(rng.integers(3, 7)), int(rng.integers(2, 6)), int(rng.integers(4, 9))
        got = sub.run(probe_outputs, kind, width, classes, int(rng.integers(10**6)), n)
        expect(got["head"] is not None and len(got["head"]) == 2,
               "the model should end in a keras.layers.Dense head with a kernel and a bias")
        kernel, bias = got["head"]
        features = got["features"].astype(np.float64)
        pooled = features.mean(axis=(1, 2)) if features.ndim == 4 else features
        expect(kernel.shape == (pooled.shape[1], classes),
               "the head's kernel should map the base's "
               + ("globally averaged channels" if features.ndim == 4 else "features")
               + " to num_classes: add GlobalAveragePooling2D only when the base outputs a 4-D feature map")
        close(got["probs"], _softmax(pooled @ kernel + bias),
              "the model's output should be softmax(head(GlobalAveragePooling2D(base(x, training=False)))) "
              "(no pooling when the base already outputs vectors)", rtol=1e-4, atol=1e-5)
        expect(got["base_unchanged"], "training the transfer model changed the base's weights or BatchNorm statistics")
