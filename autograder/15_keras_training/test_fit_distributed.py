"""Hidden tests of fit_distributed: build_fn runs inside a MirroredStrategy scope over the two
logical CPUs, the returned model is mirrored on 2 replicas and trained for `epochs` epochs."""
import numpy as np

from dlcourse.grading import expect, graded, probe


@probe
def probe_distributed(mod, x, y, epochs, lr):
    seen = {"calls": 0}

    def build_fn():
        seen["calls"] += 1
        seen["in_scope"] = tf.distribute.has_strategy()
        seen["replicas"] = int(tf.distribute.get_strategy().num_replicas_in_sync)
        model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(8, activation="tanh"),
                                  keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse")
        seen["model"] = model
        return model

    model = mod.fit_distributed(build_fn, x, y, epochs)
    strategy = model.distribute_strategy
    history = getattr(getattr(model, "history", None), "history", {}) or {}
    return {"calls": seen["calls"], "in_scope": seen.get("in_scope"), "replicas_in_build": seen.get("replicas"),
            "same_model": model is seen.get("model"),
            "replicas": int(strategy.num_replicas_in_sync),
            "devices": [str(d) for d in getattr(strategy.extended, "worker_devices", ())],
            "mirrored": all(isinstance(getattr(v, "value", v), tf.distribute.DistributedValues) for v in model.weights),
            "loss": [float(v) for v in history.get("loss", [])]}


def _data(rng):
    n = int(rng.integers(32, 65))
    x = rng.standard_normal((n, 3)).astype("float32")
    return x, (x @ rng.normal(0, 1, (3, 1))).astype("float32")


@graded("fit_distributed", points=3)
def test_fit_distributed_builds_the_model_in_a_two_replica_scope(sub, rng):
    got = sub.run(probe_distributed, *_data(rng), 1, 0.05)
    expect(got["calls"] == 1, "fit_distributed should call build_fn exactly once")
    expect(bool(got["in_scope"]) and got["replicas_in_build"] == 2,
           "build_fn should be called inside the scope of a MirroredStrategy over the two CPU devices "
           "(with strategy.scope(): model = build_fn()), so that its variables are mirrored")
    expect(got["same_model"], "fit_distributed should return the model that build_fn made")
    expect(got["replicas"] == 2 and got["mirrored"],
           "the returned model should be distributed over 2 replicas "
           "(model.distribute_strategy.num_replicas_in_sync == 2, every weight a mirrored variable)")
    expect(any(d.endswith("CPU:0") for d in got["devices"]) and any(d.endswith("CPU:1") for d in got["devices"]),
           "the strategy should mirror over the two logical CPU devices, /cpu:0 and /cpu:1")


@graded("fit_distributed", points=1)
def test_fit_distributed_trains_for_the_given_epochs(sub, rng):
    epochs = int(rng.integers(2, 4))
    got = sub.run(probe_distributed, *_data(rng), epochs, 0.05)
    expect(len(got["loss"]) == epochs,
           "fit_distributed should train with model.fit(x, y, epochs=epochs, verbose=0): the model's history "
           "does not hold one loss per epoch")
    expect(bool(np.all(np.isfinite(got["loss"]))) and got["loss"][-1] < got["loss"][0],
           "under fit_distributed the training loss did not decrease on an easy regression")
