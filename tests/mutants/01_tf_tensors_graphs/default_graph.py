"""Building in the global default graph instead of a new tf.Graph.

breaks: build_v1_graph
"""
import tensorflow as tf


def build_v1_graph():
    graph = tf.compat.v1.get_default_graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, shape=[None])
        y = 2.0 * x + 1.0
    return graph, x, y
