"""run_v1_graph opens a tf.compat.v1.Session without graph=graph: the session belongs to the
default graph, so y and x (from the new graph) cannot be run in it.

breaks: run_v1_graph
"""
import numpy as np
import tensorflow as tf


def run_v1_graph(graph, x, y, values):
    with tf.compat.v1.Session() as sess:
        return np.asarray(sess.run(y, feed_dict={x: np.asarray(values, dtype=np.float32)}))
