"""Reference solution of 02_tf_function.

Generated from source/02_tf_function/02_tf_function.ipynb by `dlcourse build`; do not edit.
"""


import glob
import os
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")   # hide TensorFlow's C++ start-up messages

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

print("tensorflow", tf.__version__, "| executing eagerly:", tf.executing_eagerly())


def poly(x):
    return x * x + 2.0 * x + 1.0

poly_graph = tf.function(poly)              # the same thing as decorating poly with @tf.function
x = tf.constant([1.0, 2.0, 3.0])
print("eager :", poly(x).numpy())
print("graph :", poly_graph(x).numpy())
print(type(poly_graph).__name__, "| is a tf.function:", isinstance(poly_graph, tf.types.experimental.PolymorphicFunction))


@tf.function
def traced_square(x):
    print("  Python print: tracing with", x)          # runs only while tracing
    tf.print("  tf.print: executing with", x)         # a graph op: runs on every call
    return x * x

print("first call:")
traced_square(tf.constant(2.0))
print("second call, same dtype and shape:")
traced_square(tf.constant(3.0))
print("traces so far:", traced_square.experimental_get_tracing_count())


@tf.function
def scale(x, factor):
    return x * factor

scale(tf.constant([1.0, 2.0]), tf.constant(2.0))         # trace 1: float32 shapes (2,) and ()
scale(tf.constant([5.0, 6.0]), tf.constant(3.0))         # same kinds of input: no new trace
scale(tf.constant([1.0, 2.0, 3.0]), tf.constant(2.0))    # new shape (3,): trace 2
scale(tf.constant([1.0, 2.0], tf.float64), tf.constant(2.0, tf.float64))  # new dtype: trace 3
scale(tf.constant([1.0, 2.0]), 2.0)                      # Python float 2.0: trace 4
scale(tf.constant([1.0, 2.0]), 3.0)                      # another Python value: trace 5
print("traces:", scale.experimental_get_tracing_count())


@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
def normalise(v):
    print("  tracing normalise, static shape:", v.shape)
    return (v - tf.reduce_mean(v)) / (tf.math.reduce_std(v) + 1e-6)

for n in (3, 5, 8):
    normalise(tf.range(n, dtype=tf.float32))
print("traces for three lengths:", normalise.experimental_get_tracing_count())
try:
    normalise(tf.constant([1, 2, 3]))                    # int32 does not fit the signature
except (TypeError, ValueError) as err:
    print("int32 input refused:", type(err).__name__)


@tf.function
def affine(x):
    return 3.0 * x + 1.0

concrete = affine.get_concrete_function(tf.TensorSpec([None, 2], tf.float32))
print(type(concrete).__name__, "| inputs:", concrete.structured_input_signature)
print(concrete(tf.ones([4, 2])).numpy()[0])
try:
    concrete(tf.ones([4, 3]))                              # the wrong shape: no retracing here
except (TypeError, ValueError) as err:
    print("incompatible input refused:", type(err).__name__)


@tf.function
def small(x, w):
    return tf.nn.relu(tf.matmul(x, w) + 1.0)

small_graph = small.get_concrete_function(tf.TensorSpec([None, 3]), tf.TensorSpec([3, 2])).graph
for op in small_graph.get_operations():
    print(f"{op.name:12s} {op.type:12s} inputs: {[t.op.name for t in op.inputs]}")


def ops_of_graph(graph):
    # (name, type, input op names) for each operation of a tf.Graph, in the graph's order
    return [(op.name, op.type, [t.op.name for t in op.inputs]) for op in graph.get_operations()]


def draw_ops(ops, ax, upward=False):
    # Each op is a box in a column (or row) by its depth, with an arrow from each op to its consumers.
    depth = {}
    for _ in range(len(ops)):                           # longest path from an input; robust to any order
        for name, _, inputs in ops:
            depth[name] = 1 + max((depth.get(i, 0) for i in inputs), default=-1)
    rows, place = {}, {}
    for name, _, _ in ops:
        d = depth[name]
        place[name] = (d, rows.get(d, 0))
        rows[d] = rows.get(d, 0) + 1
    xy = (lambda d, r: (r, d)) if upward else (lambda d, r: (d, -r))
    for name, kind, inputs in ops:
        x1, y1 = xy(*place[name])
        for i in inputs:
            if i in place:
                x0, y0 = xy(*place[i])
                ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                            arrowprops=dict(arrowstyle="->", color="gray", shrinkA=14, shrinkB=14))
        style = dict(boxstyle="round4" if upward else "round", facecolor="#fdf3d0" if upward else "lightyellow",
                     edgecolor="black")
        ax.text(x1, y1, f"{kind}\n{name}", ha="center", va="center", fontsize=8, bbox=style)
    width, height = max(rows.values()), max(depth.values()) + 1
    if upward:
        ax.set_xlim(-0.7, width - 0.3); ax.set_ylim(-0.6, height - 0.4)
    else:
        ax.set_xlim(-0.6, height - 0.4); ax.set_ylim(-width + 0.4, 0.6)
    ax.axis("off")


if __name__ == "__main__":
    fig, ax = plt.subplots(figsize=(10, 3))
    draw_ops(ops_of_graph(small_graph), ax)
    ax.set_title("ops of small(x, w) = relu(x @ w + 1)")
    plt.show()


@tf.function
def count_up(n):
    # AutoGraph turns this loop over tf.range into a tf.while_loop
    squares = tf.TensorArray(tf.int32, size=n)
    for i in tf.range(n):
        squares = squares.write(i, i * i)
    return squares.stack()

print(count_up(tf.constant(5)).numpy(), count_up(tf.constant(7)).numpy(),
      "| traces:", count_up.experimental_get_tracing_count())
ops = {op.type for op in count_up.get_concrete_function(tf.TensorSpec([], tf.int32)).graph.get_operations()}
print("loop op in the graph:", sorted(ops & {"While", "StatelessWhile"}))

@tf.function
def unrolled(x, n):
    total = tf.zeros_like(x)
    for _ in range(n):                         # a Python int: the loop is unrolled
        total += x
    return total

unrolled(tf.constant(1.0), 3)
unrolled(tf.constant(1.0), 4)
print("unrolled loop traces:", unrolled.experimental_get_tracing_count(),
      "| AddV2 ops for n=4:", sum(op.type == "AddV2" for op in unrolled.get_concrete_function(tf.constant(1.0), 4).graph.get_operations()))
print("the AutoGraph version of count_up:")
print(tf.autograph.to_code(count_up.python_function)[:300], "...")


print("devices:", [d.name for d in tf.config.list_logical_devices()])
with tf.device("/CPU:0"):
    placed = poly_graph(tf.constant([1.0, 2.0]))
print(placed.numpy(), "lives on", placed.device)


def many_small_ops(x):
    for _ in range(30):
        x = tf.tanh(x) * 0.9 + 0.1
    return x


def one_big_matmul(x):
    return tf.matmul(x, x)


def seconds_per_call(fn, x, repeats):
    fn(x)                                                # warm-up: traces a tf.function
    start = time.perf_counter()
    for _ in range(repeats):
        fn(x)
    return (time.perf_counter() - start) / repeats


if __name__ == "__main__":
    cases = {"30 small ops on [16]": (many_small_ops, tf.random.normal([16])),
             "one matmul [400, 400]": (one_big_matmul, tf.random.normal([400, 400]))}
    times = {label: (seconds_per_call(fn, x, 20), seconds_per_call(tf.function(fn), x, 20))
             for label, (fn, x) in cases.items()}
    for label, (eager, graph) in times.items():
        print(f"{label:22s} eager {1e3 * eager:7.3f} ms/call   graph {1e3 * graph:7.3f} ms/call   "
              f"speed-up ×{eager / graph:.1f}")
    fig, ax = plt.subplots(figsize=(6, 2.8))
    positions = np.arange(len(times))
    ax.bar(positions - 0.2, [1e3 * e for e, _ in times.values()], 0.4, label="eager")
    ax.bar(positions + 0.2, [1e3 * g for _, g in times.values()], 0.4, label="graph (tf.function)")
    ax.set_xticks(positions, list(times)); ax.set_ylabel("ms per call"); ax.legend()
    ax.set_title("Graphs pay off for many small ops")
    plt.show()


def graph_defs_in(logdir):
    # Every GraphDef in the event files of logdir. An event file is a TFRecord file of Event protos.
    found = []
    for path in sorted(glob.glob(os.path.join(logdir, "events.out.tfevents.*"))):
        for record in tf.data.TFRecordDataset(path):
            event = tf.compat.v1.Event.FromString(record.numpy())
            if event.graph_def:
                found.append(tf.compat.v1.GraphDef.FromString(event.graph_def))
    return found


if __name__ == "__main__":
    graph_logdir = tempfile.mkdtemp(prefix="tb_graph_")
    writer = tf.summary.create_file_writer(graph_logdir)
    with writer.as_default():
        tf.summary.graph(small.get_concrete_function(tf.TensorSpec([None, 3]), tf.TensorSpec([3, 2])).graph)
    writer.close()
    print("event files:", os.listdir(graph_logdir))
    print(f"view with:  tensorboard --logdir {graph_logdir}")
    [graph_def] = graph_defs_in(graph_logdir)
    print("nodes in the event file:", [(node.name, node.op) for node in graph_def.node])


def ops_of_graph_def(graph_def):
    # (name, type, input op names) for each node of a GraphDef; "^name" inputs are control edges
    return [(node.name, node.op, [i.lstrip("^").split(":")[0] for i in node.input]) for node in graph_def.node]


if __name__ == "__main__":
    fig, ax = plt.subplots(figsize=(5, 5))
    draw_ops(ops_of_graph_def(graph_def), ax, upward=True)
    ax.set_title("Graphs tab, op graph of small(x, w)\n(read from the event file; inputs at the bottom)",
                 fontsize=10)
    plt.show()


def make_counting_function():
    """(f, traces): f(x) = x * x + 1 as a tf.function; traces grows by one per trace."""
    traces = []

    @tf.function
    def f(x):
        traces.append((x.dtype.name, tuple(x.shape)))    # a Python side effect: runs per trace
        return x * x + 1

    return f, traces


def make_shape_agnostic(fn):
    """fn as a tf.function with one trace for every 2-D float32 input."""
    return tf.function(fn, input_signature=[tf.TensorSpec(shape=[None, None], dtype=tf.float32)])


def concrete_for(f, spec):
    """The ConcreteFunction of the tf.function f for the TensorSpec spec."""
    return f.get_concrete_function(spec)


def op_types(concrete):
    """The set of op types in the graph of a ConcreteFunction."""
    return {op.type for op in concrete.graph.get_operations()}


# Write the decorator (with its input signature) and the function running_sum(x) here.
@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
def running_sum(x):
    """Cumulative sum of a 1-D float32 tensor, as a graph loop over tf.range."""
    n = tf.shape(x)[0]
    sums = tf.TensorArray(tf.float32, size=n)
    total = tf.constant(0.0)
    for i in tf.range(n):
        total += x[i]
        sums = sums.write(i, total)
    return sums.stack()


@tf.function
def sign_switch(x):
    """x if sum(x) > 0 else -x, decided in the graph."""
    if tf.reduce_sum(x) > 0:
        return x
    else:
        return -x


def log_graph(fn, spec, logdir):
    """Write the graph of fn traced for spec to an event file in logdir; return its path."""
    concrete = tf.function(fn).get_concrete_function(spec)
    writer = tf.summary.create_file_writer(logdir)
    with writer.as_default():
        tf.summary.graph(concrete.graph)
    writer.flush()
    writer.close()
    files = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    return max(files, key=os.path.getmtime)


def on_device(fn, x, device="/CPU:0"):
    """fn(x) with its operations placed on device."""
    with tf.device(device):
        return fn(x)


def time_eager_vs_graph(fn, x, repeats):
    """{"eager": seconds, "graph": seconds} for repeats calls each, after a warm-up."""
    graph_fn = tf.function(fn)
    timings = {}
    for label, run in (("eager", fn), ("graph", graph_fn)):
        run(x)                                            # warm-up: traces the graph version
        start = time.perf_counter()
        for _ in range(repeats):
            run(x)
        timings[label] = time.perf_counter() - start
    return timings


if __name__ == "__main__":
    with needs("make_counting_function"):
        f, traces = make_counting_function()
        for value in (tf.constant(2.0), tf.constant(3.0), tf.constant([1.0, 2.0])):
            f(value)
        print("traces:", traces)
    with needs("running_sum"):
        print("running_sum:", running_sum(tf.constant([1.0, 2.0, 3.0, 4.0])).numpy())
    with needs("sign_switch"):
        print("sign_switch:", sign_switch(tf.constant([1.0, -3.0])).numpy())
    with needs("concrete_for", "op_types"):
        print("op types:", sorted(op_types(concrete_for(tf.function(lambda v: tf.matmul(v, v) + 1.0),
                                                         tf.TensorSpec([2, 2], tf.float32)))))
    with needs("log_graph"):
        print("graph written to", log_graph(many_small_ops, tf.TensorSpec([8]), tempfile.mkdtemp(prefix="tb_")))
    with needs("on_device"):
        print("on_device:", on_device(tf.sin, tf.constant([0.5])).device)
    with needs("time_eager_vs_graph"):
        print("timings:", time_eager_vs_graph(many_small_ops, tf.random.normal([16]), 50))
