"""Hidden graders of on_device: fn(x), placed on the CPU.

Placement shows in the value: the grader's fn adds a term, drawn for the run, only while a device
scope naming CPU:0 is in effect, so the result itself (checked here) says where fn ran."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


def placed_fn(a, k):
    """(In the sandbox.) fn(v) = sin(v) * a + mean(v), plus k when it runs under a CPU:0 device scope."""
    from tensorflow.python.eager import context

    def fn(v):
        scope = str(context.context().device_name or "")
        return tf.sin(v) * a + tf.reduce_mean(v) + (k if scope.endswith("CPU:0") else 0.0)

    return fn


@probe(uses=[placed_fn])
def probe_on_device(mod, x, a, k, explicit):
    fn = placed_fn(a, k)
    out = mod.on_device(fn, tf.constant(x), "/CPU:0") if explicit else mod.on_device(fn, tf.constant(x))
    return {"out": np.asarray(out), "device": str(getattr(out, "device", ""))}


def _check(sub, rng, explicit):
    x = rng.standard_normal(int(rng.integers(1, 9))).astype("float32")
    a, k = float(rng.uniform(0.5, 2.0)), float(rng.uniform(3.0, 9.0))
    got = sub.run(probe_on_device, x, a, k, explicit)
    base = np.sin(x.astype("float64")) * a + x.mean()
    out = got["out"]
    expect(isinstance(out, np.ndarray) and out.shape == x.shape, "on_device does not return fn(x)")
    if np.allclose(out, base, rtol=1e-5, atol=1e-5):
        expect(False, "fn ran without the requested device in effect, so its operations were not placed on "
               + ("the device given" if explicit else "the default device '/CPU:0'"))
    close(out, base + k, "on_device does not return fn(x)", rtol=1e-5, atol=1e-5)
    expect(got["device"].endswith("CPU:0"), f"the result should be a tensor on CPU:0; its device is {got['device']!r}")


@graded("on_device", points=2)
def test_on_device_runs_fn_on_the_given_device(sub, rng):
    for _ in range(2):
        _check(sub, rng, explicit=True)


@graded("on_device", points=1)
def test_on_device_default_device_is_the_cpu(sub, rng):
    _check(sub, rng, explicit=False)
