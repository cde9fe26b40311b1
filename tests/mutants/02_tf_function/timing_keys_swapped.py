"""time_eager_vs_graph stores each timing under the other key.

breaks: time_eager_vs_graph
"""
import time

import tensorflow as tf


def time_eager_vs_graph(fn, x, repeats):
    timings = {}
    for label, run in (("graph", fn), ("eager", tf.function(fn))):
        run(x)
        start = time.perf_counter()
        for _ in range(repeats):
            run(x)
        timings[label] = time.perf_counter() - start
    return timings
