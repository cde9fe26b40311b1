"""Hidden tests of NpyBatches: a keras.utils.PyDataset over memory-mapped .npy files: ceil(n/b)
batches in order (the last one partial), never the whole array in memory, PyDataset's kwargs kept."""
import math

import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_batches(mod, cases):
    import os

    out = []
    for k, (x, y, batch_size) in enumerate(cases):
        x_path, y_path = f"nb_x_{k}.npy", f"nb_y_{k}.npy"
        np.save(x_path, x)
        np.save(y_path, y)
        ds = mod.NpyBatches(x_path, y_path, batch_size)
        n = len(ds)
        items = [ds[i] for i in range(n)]
        out.append({"pydataset": isinstance(ds, keras.utils.PyDataset), "len": int(n),
                    "pairs": all(isinstance(item, (tuple, list)) and len(item) == 2 for item in items),
                    "x": [np.array(item[0]) for item in items], "y": [np.array(item[1]) for item in items]})
        del ds, items
        os.remove(x_path)
        os.remove(y_path)
    return out


@graded("NpyBatches", points=2)
def test_npy_batches_yields_ceil_n_over_b_batches_in_order(sub, rng):
    cases = []
    for exact in (False, True):
        b = int(rng.integers(3, 9))
        n = b * int(rng.integers(2, 6)) + (0 if exact else int(rng.integers(1, b)))
        x = rng.standard_normal((n, int(rng.integers(2, 5)))).astype("float32")
        cases.append((x, rng.integers(0, 10, n).astype("int64"), b))
    got = sub.run(probe_batches, cases)
    for (x, y, b), res in zip(cases, got):
        expect(res["pydataset"], "NpyBatches should be a subclass of keras.utils.PyDataset")
        expect(res["len"] == math.ceil(len(x) / b),
               "len(NpyBatches(...)) should be the number of batches, ceil(n / batch_size) (the last batch may be partial)")
        expect(res["pairs"], "each item of NpyBatches should be an (x_batch, y_batch) pair")
        for i, (bx, by) in enumerate(zip(res["x"], res["y"])):
            part = "the last, partial batch" if (i + 1) * b > len(x) else f"batch {i}"
            close(bx, x[i * b:(i + 1) * b], f"the x of {part} is not the matching slice of the x file, in order",
                  rtol=0, atol=0)
            close(by, y[i * b:(i + 1) * b], f"the y of {part} is not the matching slice of the y file, in order",
                  rtol=0, atol=0)


@probe
def probe_memory(mod, rows, cols, batch_size, seed, fresh):
    import os
    import tracemalloc

    x = np.random.default_rng(seed).standard_normal((rows, cols), dtype=np.float32)
    nbytes = int(x.nbytes)
    np.save("big_x.npy", x)
    np.save("big_y.npy", np.arange(rows, dtype=np.int64))
    del x
    tracemalloc.start()
    try:
        ds = mod.NpyBatches("big_x.npy", "big_y.npy", batch_size)
        first = ds[0]
        last = ds[len(ds) - 1]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    out = {"peak": int(peak), "nbytes": nbytes, "x0": np.array(first[0]), "y0": np.array(first[1]),
           "x1": np.array(last[0]), "y1": np.array(last[1])}
    # The file changes on disk after the dataset was built: a memory-mapped view reads the new rows.
    disk = np.load("big_x.npy", mmap_mode="r+")
    disk[len(disk) - len(fresh):] = fresh
    disk.flush()
    del disk
    out["x1_after"] = np.array(ds[len(ds) - 1][0])
    del ds, first, last
    os.remove("big_x.npy")
    os.remove("big_y.npy")
    return out


@graded("NpyBatches", points=2)
def test_npy_batches_never_loads_the_whole_array(sub, rng):
    rows, cols, b, seed = 8192, 1024, int(rng.integers(16, 65)), int(rng.integers(2**31))
    last = (math.ceil(rows / b) - 1) * b
    fresh = rng.standard_normal((rows - last, cols)).astype("float32")
    got = sub.run(probe_memory, rows, cols, b, seed, fresh)
    x = np.random.default_rng(seed).standard_normal((rows, cols), dtype=np.float32)
    close(got["x0"], x[:b], "the first batch of the large file is wrong", rtol=0, atol=0)
    close(got["x1"], x[last:], "the last batch of the large file is wrong", rtol=0, atol=0)
    close(got["y1"], np.arange(last, rows), "the labels of the last batch of the large file are wrong", rtol=0, atol=0)
    expect(type(got["peak"]) is int and type(got["nbytes"]) is int and got["nbytes"] == x.nbytes
           and 0 <= got["peak"] < 0.1 * x.nbytes,
           f"building NpyBatches on a {x.nbytes // 2**20} MB .npy file and reading two batches allocated "
           "too much memory: open the files memory-mapped and read only the rows of each batch")
    close(got["x1_after"], fresh, "after the .npy file changed on disk, NpyBatches still returned the old rows: it "
                                  "holds a copy of the array instead of reading the file memory-mapped "
                                  "(np.load(path, mmap_mode='r'))", rtol=0, atol=0)


@probe
def probe_fit(mod, x, y, batch_size):
    np.save("fit_x.npy", x)
    np.save("fit_y.npy", y)
    ds = mod.NpyBatches("fit_x.npy", "fit_y.npy", batch_size, workers=2, use_multiprocessing=False, max_queue_size=3)
    seen = []

    class CountBatches(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)

    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    history = model.fit(ds, epochs=1, verbose=0, callbacks=[CountBatches()]).history
    return {"workers": int(ds.workers), "queue": int(ds.max_queue_size), "multi": bool(ds.use_multiprocessing),
            "batches": len(seen), "loss": [float(v) for v in history["loss"]]}


@graded("NpyBatches", points=1)
def test_npy_batches_passes_pydataset_kwargs_and_trains(sub, rng):
    b = int(rng.integers(4, 9))
    n = b * int(rng.integers(3, 6)) + int(rng.integers(1, b))
    x = rng.standard_normal((n, 4)).astype("float32")
    got = sub.run(probe_fit, x, rng.integers(0, 3, n).astype("int64"), b)
    expect(got["workers"] == 2 and got["queue"] == 3 and not got["multi"],
           "NpyBatches(..., workers=2, use_multiprocessing=False, max_queue_size=3) lost those settings: "
           "accept **kwargs and pass them to super().__init__")
    expect(got["batches"] == math.ceil(n / b),
           "model.fit(NpyBatches(...)) did not run one step per batch, ceil(n / batch_size) per epoch")
    expect(len(got["loss"]) == 1 and np.isfinite(got["loss"][0]), "model.fit on NpyBatches did not report a loss")
