"""same_model_four_ways's "tf_core" model predicts with X_test @ w - b: the trained biases enter with the
wrong sign, which hardly matters on balanced classes and costs a lot when one class dominates.

breaks: same_model_four_ways
"""
import numpy as np
import tensorflow as tf

_four_ways = same_model_four_ways  # noqa: F821 (the reference, defined above this file)


def same_model_four_ways(X_train, y_train, X_test, y_test):
    out = _four_ways(X_train, y_train, X_test, y_test)
    X_train, X_test = np.asarray(X_train, np.float32), np.asarray(X_test, np.float32)
    y_train, y_test = np.asarray(y_train, np.int64), np.asarray(y_test, np.int64)
    d, k = X_train.shape[1], int(max(y_train.max(), y_test.max())) + 1
    w, b = tf.Variable(tf.zeros((d, k))), tf.Variable(tf.zeros(k))
    xtf, ytf = tf.constant(X_train), tf.constant(y_train)
    for _ in range(300):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(ytf, xtf @ w + b))
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(0.5 * gw)
        b.assign_sub(0.5 * gb)
    pred = tf.argmax(tf.constant(X_test) @ w - b, axis=1).numpy()
    out["tf_core"] = float((pred == y_test).mean())
    return out
