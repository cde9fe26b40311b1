"""time_eager_vs_graph times fn itself for "graph", never building a tf.function.

breaks: time_eager_vs_graph
"""
import time


def time_eager_vs_graph(fn, x, repeats):
    timings = {}
    for label in ("eager", "graph"):
        fn(x)
        start = time.perf_counter()
        for _ in range(repeats):
            fn(x)
        timings[label] = time.perf_counter() - start
    return timings
