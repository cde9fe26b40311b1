"""Another correct 01: tf.keras.optimizers.SGD for fit_line, tf.nn.moments for standardize,
norm expansion with tf.tensordot for the distances, a graph-mode tf.function for the derivative.

covers: tensor_summary, standardize, pairwise_sq_distances, derivatives, fit_line
"""
import tensorflow as tf


def tensor_summary(t):
    shape = tf.TensorShape(t.shape)
    n = shape.num_elements()
    return {"rank": shape.rank, "shape": tuple(shape.as_list()), "dtype": t.dtype.name,
            "size": n if n is None else int(n)}


def standardize(x, axis):
    x = tf.cast(x, tf.float32)
    mean, var = tf.nn.moments(x, axes=[axis] if isinstance(axis, int) else list(axis), keepdims=True)
    constant = tf.reduce_all(tf.equal(x, tf.reduce_min(x, axis=axis, keepdims=True)), axis=axis, keepdims=True)
    out = (x - mean) / tf.where(constant, 1.0, tf.sqrt(var))
    return tf.where(constant, 0.0, out)


def pairwise_sq_distances(a, b):
    a = tf.cast(a, tf.float32)
    b = tf.cast(b, tf.float32)
    cross = tf.tensordot(a, tf.transpose(b), axes=1)
    na = tf.reduce_sum(tf.square(a), 1)[:, None]
    nb = tf.reduce_sum(tf.square(b), 1)[None, :]
    return tf.nn.relu(na + nb - 2.0 * cross)


def derivatives(f, x):
    x = tf.constant(x, dtype=tf.float32) if not tf.is_tensor(x) else tf.cast(x, tf.float32)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = f(x)
        g = t1.gradient(y, x)
    return g, t2.gradient(g, x)


def fit_line(x, y, steps=300, lr=0.1):
    x = tf.cast(x, tf.float32)
    y = tf.cast(y, tf.float32)
    w = tf.Variable(0.0)
    b = tf.Variable(0.0)
    opt = tf.keras.optimizers.SGD(learning_rate=lr)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.keras.losses.MeanSquaredError()(y, w * x + b)
        opt.apply_gradients(zip(tape.gradient(loss, [w, b]), [w, b]))
    return float(w), float(b)
