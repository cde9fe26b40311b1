"""Hidden tests of from_generator: explicit signature, the generator's values, a fresh pass per epoch."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_generator(mod, features, labels, epochs):
    """Wrap a generator over (features, labels) rows; report the spec and each epoch's elements."""
    calls = []

    def gen_fn():
        calls.append(1)
        for row, label in zip(features, labels):
            yield row, int(label)

    ds = mod.from_generator(gen_fn, int(features.shape[1]))
    if not isinstance(ds, tf.data.Dataset):
        return {"error": f"from_generator returned a {type(ds).__name__}, not a tf.data.Dataset"}
    spec = ds.element_spec
    if not (isinstance(spec, tuple) and len(spec) == 2 and all(isinstance(s, tf.TensorSpec) for s in spec)):
        return {"error": f"its elements should be (features, label) pairs of tensors, got {spec}"}
    specs = [[None if s.shape.rank is None else [None if d is None else int(d) for d in s.shape.as_list()],
              s.dtype.name] for s in spec]
    out = []
    for _ in range(epochs):
        out.append([[np.asarray(f), np.asarray(l)] for f, l in ds])
    return {"error": None, "specs": specs, "epochs": out}


def _inputs(rng):
    n, d = int(rng.integers(4, 15)), int(rng.integers(2, 9))
    return rng.standard_normal((n, d)).astype(np.float32), rng.integers(-50, 50, n).astype(np.int64)


def _run(sub, features, labels, epochs):
    got = sub.run(probe_generator, features, labels, epochs)
    expect(got["error"] is None, f"from_generator: {got['error']}")
    return got


@graded("from_generator", points=2)
def test_from_generator_element_spec(sub, rng):
    features, labels = _inputs(rng)
    d = features.shape[1]
    got = _run(sub, features, labels, 1)
    _check_epoch(got["epochs"][0], features, labels)
    (f_shape, f_dtype), (l_shape, l_dtype) = got["specs"]
    expect(f_shape == [d] and f_dtype == "float32",
           "the features' spec should be shape (feature_dim,) float32, got shape "
           f"{'unknown' if f_shape is None else tuple(f_shape)} {f_dtype}: give an explicit output_signature")
    expect(l_shape == [] and l_dtype == "int64",
           f"the label's spec should be a scalar int64, got shape {'unknown' if l_shape is None else tuple(l_shape)} "
           f"{l_dtype}: give an explicit output_signature")


def _check_epoch(epoch, features, labels):
    """One epoch must be the generator's elements, unbatched, in order, as float32 and int64."""
    expect(len(epoch) == len(labels), "one epoch should hold each of the generator's elements once, unbatched")
    fs = [np.asarray(f) for f, _ in epoch]
    ls = [np.asarray(l) for _, l in epoch]
    expect(all(f.shape == features.shape[1:] and f.dtype == np.float32 for f in fs),
           "each element's features should be one float32 vector of length feature_dim")
    expect(all(l.shape == () and l.dtype == np.int64 for l in ls), "each element's label should be an int64 scalar")
    close(np.stack(fs), features, "the features are not the generator's, in order", rtol=0, atol=1e-6)
    expect(np.array_equal(np.stack(ls), labels), "the labels are not the generator's, in order")


@graded("from_generator", points=1)
def test_from_generator_values(sub, rng):
    features, labels = _inputs(rng)
    (epoch,) = _run(sub, features, labels, 1)["epochs"]
    _check_epoch(epoch, features, labels)


@graded("from_generator", points=1)
def test_from_generator_regenerates_each_epoch(sub, rng):
    features, labels = _inputs(rng)
    epochs = _run(sub, features, labels, 3)["epochs"]
    counts = [len(epoch) for epoch in epochs]
    expect(counts == [len(labels)] * 3,
           "a later epoch did not hold all of the generator's elements: gen_fn should be called "
           "again for every epoch (pass gen_fn itself, not a generator)")
    for epoch in epochs[1:]:
        close(np.stack([np.asarray(f) for f, _ in epoch]), features,
              "a later epoch gave different features than the generator's", rtol=0, atol=1e-6)
