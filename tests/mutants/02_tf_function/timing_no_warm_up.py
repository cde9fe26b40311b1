"""time_eager_vs_graph skips the warm-up calls, so tracing is timed.

breaks: time_eager_vs_graph
"""
import time

import tensorflow as tf


def time_eager_vs_graph(fn, x, repeats):
    timings = {}
    for label, run in (("eager", fn), ("graph", tf.function(fn))):
        start = time.perf_counter()
        for _ in range(repeats):
            run(x)
        timings[label] = time.perf_counter() - start
    return timings
