"""Reference solution of 01_tf_tensors_graphs.

Generated from source/01_tf_tensors_graphs/01_tf_tensors_graphs.ipynb by `dlcourse build`; do not edit.
"""


import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

print("TensorFlow", tf.__version__, "| eager:", tf.executing_eagerly())


if __name__ == "__main__":  # worked examples: they run in the notebook, not when grading imports it
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    print(a)                                  # a tf.Tensor: values, shape and dtype
    print(tf.matmul(a, a).numpy())            # an operation, run right away; .numpy() gives a NumPy array
    print("devices:", [d.device_type for d in tf.config.list_physical_devices()])


ecosystem = {
    "tf.data": "input pipelines (04_tf_data)",
    "tf.saved_model": "save graphs + weights for serving (06_tf_deployment)",
    "tf.lite": "convert models for mobile and edge devices (06_tf_deployment)",
    "tf.distribute": "training on several devices or machines",
    "tf.summary": "logs for TensorBoard (02_tf_function)",
    "tf.keras": "the Keras API (03, 14, 15)",
}
for name, use in ecosystem.items():
    module = name.split(".", 1)[1]
    print(f"{name:15s} available: {hasattr(tf, module)!s:5s}  {use}")


def draw_graph(nodes, edges, title):
    # nodes: name -> (x, y, label, colour); edges: (from, to) pairs
    fig, ax = plt.subplots(figsize=(6, 2.6))
    for name, (px, py, label, colour) in nodes.items():
        ax.text(px, py, label, ha="center", va="center", fontsize=11,
                bbox=dict(boxstyle="circle,pad=0.4" if colour != "w" else "round", fc=colour, ec="k"))
    for src, dst in edges:
        (x0, y0), (x1, y1) = nodes[src][:2], nodes[dst][:2]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", lw=1.3, shrinkA=16, shrinkB=16))
    ax.set_xlim(-0.5, 4.5); ax.set_ylim(-0.8, 1.8); ax.axis("off"); ax.set_title(title)
    plt.show()


if __name__ == "__main__":
    draw_graph(
        {"x": (0, 1.2, "x", "lightblue"), "two": (0, 0, "2", "lightgrey"),
         "mul": (1.5, 0.6, "×", "gold"), "one": (1.5, -0.5, "1", "lightgrey"),
         "add": (3, 0.3, "+", "gold"), "y": (4.2, 0.3, "y", "w")},
        [("x", "mul"), ("two", "mul"), ("mul", "add"), ("one", "add"), ("add", "y")],
        "y = 2·x + 1: operations are nodes, tensors flow along the edges")


if __name__ == "__main__":
    @tf.function
    def affine(x):
        return 2.0 * x + 1.0

    graph = affine.get_concrete_function(tf.TensorSpec([None], tf.float32)).graph
    for op in graph.get_operations():
        print(f"{op.type:12s} {op.name:10s} inputs: {[t.name for t in op.inputs]}")


if __name__ == "__main__":
    def show(x):
        print("  eager?", tf.executing_eagerly(), "| x is", type(x).__name__, x.shape)
        return 2.0 * x + 1.0

    print("called eagerly:")
    print("  result", show(tf.constant([1.0, 2.0])).numpy())

    print("traced into a graph (values are symbolic while tracing):")
    graph_show = tf.function(show)
    print("  result", graph_show(tf.constant([1.0, 2.0])).numpy())


from matplotlib.patches import Rectangle


def draw_tensor_ranks():
    # One panel per rank: unit cells in a grid; a rank-3 tensor is two matrices stacked along axis 0.
    def grid(ax, rows, cols, dx, dy, colour):
        for r in range(rows):
            for c in range(cols):
                ax.add_patch(Rectangle((c + dx, rows - 1 - r + dy), 1, 1, fc=colour, ec="#1a3d7c", lw=1.2))

    panels = [("rank 0: scalar\nshape ()", [(1, 1, 1.5, 1)]),
              ("rank 1: vector\nshape (4,)", [(1, 4, 0, 1)]),
              ("rank 2: matrix\nshape (3, 4)", [(3, 4, 0, 0)]),
              ("rank 3: 3-tensor\nshape (2, 3, 4)", [(3, 4, 0.6, 0.6), (3, 4, 0, 0)])]
    fig, axes = plt.subplots(1, 4, figsize=(11, 2.8))
    for ax, (title, layers) in zip(axes, panels):
        for k, (rows, cols, dx, dy) in enumerate(layers):
            grid(ax, rows, cols, dx, dy, "#9ec5fe" if len(layers) > 1 and k == 0 else "#cfe2ff")
        ax.set_xlim(-0.5, 5.2); ax.set_ylim(-0.6, 4.2); ax.set_aspect("equal"); ax.axis("off")
        ax.set_title(title, fontsize=10)
    axes[2].annotate("axis 1", xy=(4, -0.35), xytext=(0, -0.35), fontsize=8, va="center",
                     arrowprops=dict(arrowstyle="->"))
    axes[2].annotate("", xy=(-0.3, 0), xytext=(-0.3, 3), arrowprops=dict(arrowstyle="->"))
    axes[2].text(-0.45, 1.5, "axis 0", rotation=90, fontsize=8, ha="right", va="center")
    axes[3].text(0.3, 3.85, "axis 0 stacks 2 matrices", fontsize=8)
    fig.suptitle("Tensors by rank: each axis adds one direction of indexing", fontsize=11)
    plt.show()


if __name__ == "__main__":
    draw_tensor_ranks()


if __name__ == "__main__":
    examples = {
        "scalar": tf.constant(3.0),
        "vector": tf.constant([1, 2, 3]),
        "matrix": tf.constant([[1.0, 2.0], [3.0, 4.0]], dtype=tf.float64),
        "rank 4": tf.zeros([2, 8, 8, 3], dtype=tf.uint8),
        "strings": tf.constant(["tensor", "flow"]),
    }
    for name, t in examples.items():
        print(f"{name:8s} rank={t.ndim} shape={t.shape} dtype={t.dtype.name:8s} size={t.shape.num_elements()}")

    print(tf.TensorShape([None, 3]), "->", tf.TensorShape([None, 3]).as_list(),
          "num_elements:", tf.TensorShape([None, 3]).num_elements())
    print("cast:", tf.cast(tf.constant([1.7, -1.7]), tf.int32).numpy())   # dtypes never change silently
    v = tf.Variable([1.0, 2.0]); v.assign_add([10.0, 10.0]); print("variable:", v.numpy())


if __name__ == "__main__":
    m = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    print("sum over rows (axis 0):", tf.reduce_sum(m, axis=0).numpy())
    print("mean of each row, kept as a column:\n", tf.reduce_mean(m, axis=1, keepdims=True).numpy())
    print("broadcast (2,3) - (2,1):\n", (m - tf.reduce_mean(m, axis=1, keepdims=True)).numpy())
    print("m @ mᵀ:\n", tf.matmul(m, m, transpose_b=True).numpy())
    col, row = tf.range(3.0)[:, tf.newaxis], tf.range(4.0)[tf.newaxis, :]
    print("outer sum (3,1)+(1,4):\n", (col + row).numpy())
    print("divide_no_nan:", tf.math.divide_no_nan(tf.constant([1.0, 2.0]), tf.constant([0.0, 4.0])).numpy())


if __name__ == "__main__":
    g = tf.Graph()
    with g.as_default():
        a = tf.compat.v1.placeholder(tf.float32, shape=[None], name="a")
        b = tf.compat.v1.placeholder(tf.float32, shape=[None], name="b")
        total = tf.add(a, b, name="total")
        print("inside the block: eager?", tf.executing_eagerly(), "| total is", total)

    print("outside the block: eager?", tf.executing_eagerly())
    print("ops in g:", [op.name for op in g.get_operations()])
    with tf.compat.v1.Session(graph=g) as sess:
        print("sess.run:", sess.run(total, feed_dict={a: [1.0, 2.0], b: [10.0, 20.0]}))


if __name__ == "__main__":
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)                        # x is a constant: watch it explicitly
        y = x ** 2
    print("d(x²)/dx at 3:", tape.gradient(y, x).numpy())

    w = tf.Variable(2.0)                     # variables are watched automatically
    with tf.GradientTape(persistent=True) as tape:
        u = w ** 3
        v = tf.sin(w)
    print("persistent tape, two gradients:", tape.gradient(u, w).numpy(), tape.gradient(v, w).numpy())
    del tape

    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x ** 3
        dy = inner.gradient(y, x)            # 3x² = 27, recorded by the outer tape
    d2y = outer.gradient(dy, x)              # 6x = 18
    print("nested tapes: dy/dx =", dy.numpy(), " d²y/dx² =", d2y.numpy())


if __name__ == "__main__":
    w = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        loss = (w - 5.0) ** 2
    grad = tape.gradient(loss, w)
    w.assign_sub(0.1 * grad)
    print("loss", loss.numpy(), "grad", grad.numpy(), "-> w after one step:", w.numpy())


def tensor_summary(t):
    """{"rank": int, "shape": tuple of int/None, "dtype": str, "size": int or None}."""
    dims = t.shape.as_list()
    size = t.shape.num_elements()
    return {"rank": len(dims), "shape": tuple(dims), "dtype": t.dtype.name,
            "size": None if size is None else int(size)}


def standardize(x, axis):
    """(x - mean) / std along axis, float32; constant slices give 0."""
    x = tf.cast(x, tf.float32)
    mean = tf.reduce_mean(x, axis=axis, keepdims=True)
    std = tf.math.reduce_std(x, axis=axis, keepdims=True)
    constant = tf.reduce_max(x, axis=axis, keepdims=True) == tf.reduce_min(x, axis=axis, keepdims=True)
    safe_std = tf.where(constant, tf.ones_like(std), std)
    return tf.where(constant, tf.zeros_like(x), (x - mean) / safe_std)


def pairwise_sq_distances(a, b):
    """[n, d], [m, d] -> [n, m] squared Euclidean distances, all >= 0."""
    a = tf.convert_to_tensor(a)
    b = tf.convert_to_tensor(b)
    aa = tf.reduce_sum(a * a, axis=1, keepdims=True)          # [n, 1]
    bb = tf.reduce_sum(b * b, axis=1, keepdims=True)          # [m, 1]
    d = aa - 2.0 * tf.matmul(a, b, transpose_b=True) + tf.transpose(bb)
    return tf.maximum(d, 0.0)


def build_v1_graph():
    """A new graph with a float32 placeholder x of shape [None] and y = 2x + 1."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, shape=[None], name="x")
        y = 2.0 * x + 1.0
    return graph, x, y


def run_v1_graph(graph, x, y, values):
    """Evaluate y in a tf.compat.v1.Session on graph, feeding values to x."""
    with tf.compat.v1.Session(graph=graph) as sess:
        return np.asarray(sess.run(y, feed_dict={x: np.asarray(values, dtype=np.float32)}))


def derivatives(f, x):
    """(f'(x), f''(x)) with nested GradientTapes."""
    x = tf.convert_to_tensor(x, dtype=tf.float32)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        dy_dx = inner.gradient(y, x)
    d2y_dx2 = outer.gradient(dy_dx, x)
    return dy_dx, d2y_dx2


def fit_line(x, y, steps=300, lr=0.1):
    """Gradient descent on the MSE of y ≈ w x + b; returns (w, b) as Python floats."""
    x = tf.cast(x, tf.float32)
    y = tf.cast(y, tf.float32)
    w, b = tf.Variable(0.0), tf.Variable(0.0)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(w * x + b - y))
        dw, db = tape.gradient(loss, [w, b])
        w.assign_sub(lr * dw)
        b.assign_sub(lr * db)
    return float(w.numpy()), float(b.numpy())


if __name__ == "__main__":
    demo_rng = np.random.default_rng(0)
    xs = demo_rng.uniform(-2, 2, 100).astype(np.float32)
    ys = (1.5 * xs - 0.5 + 0.3 * demo_rng.standard_normal(100)).astype(np.float32)
    with needs("fit_line"):
        w_fit, b_fit = fit_line(tf.constant(xs), tf.constant(ys))
        print(f"gradient descent: w = {w_fit:.4f}, b = {b_fit:.4f}")
        print("least squares:    w = {:.4f}, b = {:.4f}".format(*np.polyfit(xs, ys, 1)))
        grid = np.linspace(-2, 2, 2)
        plt.figure(figsize=(5, 3))
        plt.scatter(xs, ys, s=8, alpha=0.6, label="data")
        plt.plot(grid, w_fit * grid + b_fit, "r", label="fit_line")
        plt.title("fit_line on noisy data"); plt.legend()
        plt.show()
