"""Hidden graders of on_device: fn(x), placed on the CPU."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_on_device(mod, x, a, explicit):
    # fn records the device scope it runs under ('' when none is set).
    from tensorflow.python.eager import context

    scopes = []

    def fn(v):
        scopes.append(str(context.context().device_name or ""))
        return tf.sin(v) * a + tf.reduce_mean(v)

    out = mod.on_device(fn, tf.constant(x), "/CPU:0") if explicit else mod.on_device(fn, tf.constant(x))
    return {"out": np.asarray(out), "device": str(getattr(out, "device", "")), "scopes": scopes}


@graded("on_device", points=2)
def test_on_device_runs_fn_on_the_cpu(sub, rng):
    for explicit in (True, False):
        x = rng.standard_normal(int(rng.integers(1, 9))).astype("float32")
        a = float(rng.uniform(0.5, 2.0))
        got = sub.run(probe_on_device, x, a, explicit)
        close(got["out"], np.sin(x) * a + x.mean(), "on_device does not return fn(x)", rtol=1e-5, atol=1e-5)
        expect(got["device"].endswith("CPU:0"), f"the result should be a tensor on CPU:0; its device is {got['device']!r}")


@graded("on_device", points=1)
def test_on_device_places_fn_under_the_device(sub, rng):
    for explicit in (True, False):
        x = rng.standard_normal(int(rng.integers(1, 9))).astype("float32")
        got = sub.run(probe_on_device, x, float(rng.uniform(0.5, 2.0)), explicit)
        expect(len(got["scopes"]) >= 1, "on_device should call fn(x)")
        expect(all(s.endswith("CPU:0") for s in got["scopes"]),
               "fn ran without the requested device in effect, so its operations were not placed on "
               + ("the device given" if explicit else "the default device '/CPU:0'"))
