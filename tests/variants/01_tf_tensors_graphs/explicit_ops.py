"""Another correct 01: explicit broadcasting and einsum instead of reduce_std/matmul.

tensor_summary reads tf.rank/len of the TensorShape; standardize computes the population std by
hand and centres first (so a constant slice is exactly 0 before dividing); pairwise_sq_distances
broadcasts a[:, None, :] - b[None, :, :] (exact, so never negative); build_v1_graph uses
tf.multiply/tf.add; derivatives uses a persistent outer tape; fit_line uses an optimizer-free
loop with tf.Variable.assign and computed gradients of the MSE.

covers: tensor_summary, standardize, pairwise_sq_distances, build_v1_graph, run_v1_graph, derivatives, fit_line
"""
import numpy as np
import tensorflow as tf


def tensor_summary(t):
    shape = t.shape
    dims = [None if d is None else int(d) for d in shape]
    size = None
    if all(d is not None for d in dims):
        size = int(np.prod(dims, dtype=np.int64)) if dims else 1
    return {"rank": len(dims), "shape": tuple(dims), "dtype": str(t.dtype.name), "size": size}


def standardize(x, axis):
    x = tf.convert_to_tensor(x)
    x = tf.cast(x, tf.float32)
    centred = x - tf.reduce_mean(x, axis=axis, keepdims=True)
    spread = tf.reduce_max(x, axis=axis, keepdims=True) - tf.reduce_min(x, axis=axis, keepdims=True)
    centred = tf.where(tf.equal(spread, 0.0), tf.zeros_like(centred), centred)
    std = tf.sqrt(tf.reduce_mean(tf.square(centred), axis=axis, keepdims=True))
    return tf.math.divide_no_nan(centred, std)


def pairwise_sq_distances(a, b):
    a = tf.cast(tf.convert_to_tensor(a), tf.float32)
    b = tf.cast(tf.convert_to_tensor(b), tf.float32)
    diff = tf.expand_dims(a, 1) - tf.expand_dims(b, 0)          # [n, m, d]
    return tf.einsum("nmd,nmd->nm", diff, diff)


def build_v1_graph():
    graph = tf.compat.v1.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(dtype=tf.float32, shape=(None,))
        y = tf.add(tf.multiply(tf.constant(2.0), x), tf.constant(1.0))
    return graph, x, y


def run_v1_graph(graph, x, y, values):
    sess = tf.compat.v1.Session(graph=graph)
    try:
        out = sess.run(y, {x: np.array(values, dtype=np.float32)})
    finally:
        sess.close()
    return np.array(out)


def derivatives(f, x):
    x = tf.Variable(tf.cast(x, tf.float32))
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            y = f(x)
        first = inner.gradient(y, x)
    second = outer.gradient(first, x)
    del outer
    return tf.convert_to_tensor(first), second


def fit_line(x, y, steps=300, lr=0.1):
    x = tf.reshape(tf.cast(x, tf.float32), [-1])
    y = tf.reshape(tf.cast(y, tf.float32), [-1])
    params = [tf.Variable(0.0), tf.Variable(0.0)]
    for _ in range(steps):
        with tf.GradientTape() as tape:
            pred = params[0] * x + params[1]
            loss = tf.reduce_mean((pred - y) ** 2)
        grads = tape.gradient(loss, params)
        for p, g in zip(params, grads):
            p.assign(p - lr * g)
    return params[0].numpy().item(), params[1].numpy().item()
