"""Hidden tests of windowed: every (series[i:i+window], series[i+window]) pair, in order, batched."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_windows(mod, series, window, batch_size):
    """Every batch of windowed(series, window, batch_size) as NumPy arrays."""
    ds = mod.windowed(series, window, batch_size)
    if not isinstance(ds, tf.data.Dataset):
        return {"error": f"windowed returned a {type(ds).__name__}, not a tf.data.Dataset"}
    xs, ys = [], []
    for element in ds:
        if not (isinstance(element, tuple) and len(element) == 2):
            return {"error": f"its elements are a {type(element).__name__}, not (x, y) pairs"}
        xs.append(np.asarray(element[0]))
        ys.append(np.asarray(element[1]))
    return {"error": None, "x": xs, "y": ys}


def _inputs(rng):
    n, window, b = int(rng.integers(20, 60)), int(rng.integers(2, 8)), int(rng.integers(3, 9))
    series = np.cumsum(rng.standard_normal(n)).astype(np.float32)
    return series, window, b


def _run(sub, series, window, b):
    got = sub.run(probe_windows, series, window, b)
    expect(got["error"] is None, f"windowed: {got['error']}")
    return [np.asarray(v) for v in got["x"]], [np.asarray(v) for v in got["y"]]


def _check_pairs(xs, ys, series, window):
    """The batches, flattened, must be every (series[i:i+window], series[i+window]) pair in order."""
    m = len(series) - window
    want_x = np.stack([series[i:i + window] for i in range(m)])
    try:
        got_x = np.concatenate([x.reshape(len(x), -1) for x in xs])
        got_y = np.concatenate([y.reshape(-1) for y in ys])
    except ValueError:
        got_x = got_y = np.zeros(0)
    expect(got_x.shape == want_x.shape and got_y.shape == (m,),
           "windowed should give len(series) - window pairs, each a window of `window` values and one target")
    close(got_x, want_x, "the windows x are not series[i:i+window] for i = 0, 1, 2, ... in order", rtol=0, atol=1e-6)
    close(got_y, series[window:], "the targets y are not series[i+window] (the value right after each window), in order",
          rtol=0, atol=1e-6)


@graded("windowed", points=2)
def test_windowed_pairs_in_order(sub, rng):
    series, window, b = _inputs(rng)
    xs, ys = _run(sub, series, window, b)
    _check_pairs(xs, ys, series, window)


@graded("windowed", points=1)
def test_windowed_pair_count(sub, rng):
    series, window, b = _inputs(rng)
    xs, ys = _run(sub, series, window, b)
    count = sum(len(y) for y in ys)
    if count == len(series) - window:
        _check_pairs(xs, ys, series, window)
    expect(count == len(series) - window,
           f"windowed gave {'more' if count > len(series) - window else 'fewer'} pairs than len(series) - window; "
           "it should give exactly one pair per start i with i + window < len(series)")


@graded("windowed", points=1)
def test_windowed_batch_shapes(sub, rng):
    series, window, b = _inputs(rng)
    xs, ys = _run(sub, series, window, b)
    _check_pairs(xs, ys, series, window)
    m = len(series) - window
    sizes = [min(b, m - i) for i in range(0, m, b)]
    expect([x.shape for x in xs] == [(s, window) for s in sizes],
           "x batches should have shape (batch_size, window), the last one possibly shorter, "
           "with no extra feature axis")
    expect([y.shape for y in ys] == [(s,) for s in sizes],
           "y batches should have shape (batch_size,), the last one possibly shorter")
    expect(all(x.dtype == np.float32 for x in xs) and all(y.dtype == np.float32 for y in ys),
           "windows and targets should be float32")
