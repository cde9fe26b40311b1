"""Hidden tests of fit_distributed: build_fn runs inside a MirroredStrategy scope over the two
logical CPUs, the returned model is mirrored on 2 replicas and trained for `epochs` epochs.

What the learner's process reports about strategies and devices counts only together with the
training itself: its losses must match the same model trained under MirroredStrategy in a clean
worker (no learner code loaded there), from the same initial weights and seed."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


def build_model(x, weights, lr):
    """The grader's compiled regression model, with the given initial weights."""
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(1)])
    model.set_weights(weights)
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse")
    return model


@probe(uses=[build_model])
def probe_distributed(mod, x, y, epochs, lr, weights, seed):
    seen = {"calls": 0}

    def build_fn():
        seen["calls"] += 1
        seen["in_scope"] = tf.distribute.has_strategy()
        seen["replicas"] = int(tf.distribute.get_strategy().num_replicas_in_sync)
        seen["model"] = build_model(x, weights, lr)
        return seen["model"]

    keras.utils.set_random_seed(seed)
    model = mod.fit_distributed(build_fn, x, y, epochs)
    strategy = model.distribute_strategy
    history = getattr(getattr(model, "history", None), "history", {}) or {}
    return {"calls": seen["calls"], "in_scope": seen.get("in_scope"), "replicas_in_build": seen.get("replicas"),
            "same_model": model is seen.get("model"),
            "replicas": int(strategy.num_replicas_in_sync),
            "devices": [str(d) for d in getattr(strategy.extended, "worker_devices", ())],
            "mirrored": all(isinstance(getattr(v, "value", v), tf.distribute.DistributedValues) for v in model.weights),
            "loss": [float(v) for v in history.get("loss", [])]}


@probe(uses=[build_model])
def probe_reference(mod, x, y, epochs, lr, weights, seed):
    """In the clean worker: the same model built in a two-replica MirroredStrategy scope and fitted."""
    keras.utils.set_random_seed(seed)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        model = build_model(x, weights, lr)
    history = model.fit(x, y, epochs=epochs, verbose=0).history
    return [float(v) for v in history["loss"]]


def _data(rng):
    # full batches of 32 (fit's default), split evenly over the replicas: how many replicas there are is the
    # first test's question, and with even splits one replica trains to the same losses
    n = 32 * int(rng.integers(1, 3))
    x = rng.standard_normal((n, 3)).astype("float32")
    weights = [rng.normal(0, 0.5, (3, 8)).astype("float32"), np.zeros(8, "float32"),
               rng.normal(0, 0.5, (8, 1)).astype("float32"), np.zeros(1, "float32")]
    return x, (x @ rng.normal(0, 1, (3, 1))).astype("float32"), weights, int(rng.integers(0, 2**31 - 1))


def _expect_trained_like_reference(sub, got, x, y, epochs, lr, weights, seed):
    loss = got["loss"]
    expect(isinstance(loss, list) and len(loss) == epochs,
           "fit_distributed should train with model.fit(x, y, epochs=epochs, verbose=0): the model's history "
           "does not hold one loss per epoch")
    reference = sub.clean(probe_reference, x, y, epochs, lr, weights, seed)
    close(loss, reference, "the training losses differ from fitting build_fn's model under a two-replica "
                           "MirroredStrategy with model.fit(x, y, epochs=epochs, verbose=0)", rtol=1e-3, atol=1e-5)


@graded("fit_distributed", points=3)
def test_fit_distributed_builds_the_model_in_a_two_replica_scope(sub, rng):
    x, y, weights, seed = _data(rng)
    got = sub.run(probe_distributed, x, y, 1, 0.05, weights, seed)
    expect(got["calls"] == 1, "fit_distributed should call build_fn exactly once")
    expect(got["in_scope"] is True and got["replicas_in_build"] == 2,
           "build_fn should be called inside the scope of a MirroredStrategy over the two CPU devices "
           "(with strategy.scope(): model = build_fn()), so that its variables are mirrored")
    expect(got["same_model"] is True, "fit_distributed should return the model that build_fn made")
    expect(got["replicas"] == 2 and got["mirrored"] is True,
           "the returned model should be distributed over 2 replicas "
           "(model.distribute_strategy.num_replicas_in_sync == 2, every weight a mirrored variable)")
    devices = got["devices"]
    expect(isinstance(devices, list) and any(str(d).endswith("CPU:0") for d in devices)
           and any(str(d).endswith("CPU:1") for d in devices),
           "the strategy should mirror over the two logical CPU devices, /cpu:0 and /cpu:1")
    _expect_trained_like_reference(sub, got, x, y, 1, 0.05, weights, seed)


@graded("fit_distributed", points=1)
def test_fit_distributed_trains_for_the_given_epochs(sub, rng):
    epochs = int(rng.integers(2, 4))
    x, y, weights, seed = _data(rng)
    got = sub.run(probe_distributed, x, y, epochs, 0.05, weights, seed)
    _expect_trained_like_reference(sub, got, x, y, epochs, 0.05, weights, seed)
