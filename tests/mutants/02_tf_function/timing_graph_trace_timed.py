"""time_eager_vs_graph warms up the eager function but times the graph's first (tracing) call.

breaks: time_eager_vs_graph
"""
import time

import tensorflow as tf


def time_eager_vs_graph(fn, x, repeats):
    fn(x)
    start = time.perf_counter()
    for _ in range(repeats):
        fn(x)
    eager = time.perf_counter() - start
    graph_fn = tf.function(fn)
    start = time.perf_counter()
    graph_fn(x)                     # traces inside the timed region
    for _ in range(repeats - 1):
        graph_fn(x)
    return {"eager": eager, "graph": time.perf_counter() - start}
