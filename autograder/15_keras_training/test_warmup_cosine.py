"""Hidden tests of warmup_cosine: linear warm-up, then cosine decay to 0 at `total` (clamped after),
equal to Keras's CosineDecay(0.0, total - warmup, warmup_target=base_lr, warmup_steps=warmup)."""
import math

import numpy as np

from dlcourse.grading import close, expect, graded, probe


def _expected(epoch, warmup, total, base_lr):
    """The schedule, written out here (it equals keras.optimizers.schedules.CosineDecay with warm-up)."""
    if epoch < warmup:
        return base_lr * epoch / warmup
    return base_lr * 0.5 * (1.0 + math.cos(math.pi * min(epoch - warmup, total - warmup) / (total - warmup)))


@probe
def probe_values(mod, epochs, lrs, warmup, total, base_lr):
    out = []
    for epoch, lr in zip(epochs, lrs):
        value = mod.warmup_cosine(epoch, lr, warmup, total, base_lr)
        out.append(float(value))
    return out


def _config(rng):
    warmup = int(rng.integers(1, 6))
    total = warmup + int(rng.integers(2, 20))
    return warmup, total, float(10 ** rng.uniform(-4, 0))


@graded("warmup_cosine", points=1)
def test_warmup_cosine_ramps_up_linearly_during_warmup(sub, rng):
    warmup, total, base_lr = _config(rng)
    epochs = list(range(warmup))
    got = sub.run(probe_values, epochs, [float(rng.uniform(0, 1)) for _ in epochs], warmup, total, base_lr)
    close(got, [_expected(e, warmup, total, base_lr) for e in epochs],
          "during warm-up (epoch < warmup, epochs counted from 0) the rate should rise linearly from 0: "
          "base_lr * epoch / warmup", rtol=1e-4, atol=1e-6 * base_lr)


@graded("warmup_cosine", points=2)
def test_warmup_cosine_decays_by_half_cosine_then_stays_at_zero(sub, rng):
    warmup, total, base_lr = _config(rng)
    epochs = list(range(warmup, total + 6))
    got = sub.run(probe_values, epochs, [float(rng.uniform(0, 1)) for _ in epochs], warmup, total, base_lr)
    want = [_expected(e, warmup, total, base_lr) for e in epochs]
    close(got[:total - warmup + 1], want[:total - warmup + 1],
          "after warm-up the rate should follow a half cosine from base_lr (at epoch == warmup) down to 0 "
          "(at epoch == total)", rtol=1e-4, atol=1e-6 * base_lr)
    close(got, want, "after epoch `total` the rate should stay at 0 (clamp the cosine's progress)",
          rtol=1e-4, atol=1e-6 * base_lr)


@probe
def probe_scheduler(mod, x, y, warmup, total, base_lr, epochs):
    seen = []

    class ReadRate(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))

    scheduler = keras.callbacks.LearningRateScheduler(lambda epoch, lr: mod.warmup_cosine(epoch, lr, warmup, total, base_lr))
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    model.fit(x, y, epochs=epochs, batch_size=len(x), verbose=0, callbacks=[scheduler, ReadRate()])
    return seen


@graded("warmup_cosine", points=1)
def test_warmup_cosine_drives_learning_rate_scheduler(sub, rng):
    warmup, total, base_lr = _config(rng)
    x = rng.standard_normal((8, 2)).astype("float32")
    epochs = total + 2
    got = sub.run(probe_scheduler, x, x.sum(axis=1, keepdims=True), warmup, total, base_lr, epochs)
    close(got, [_expected(e, warmup, total, base_lr) for e in range(epochs)],
          "used with keras.callbacks.LearningRateScheduler in fit, warmup_cosine does not set the planned rate "
          "each epoch (it must ignore the current lr it is given and return a float)", rtol=1e-4, atol=1e-6 * base_lr)
