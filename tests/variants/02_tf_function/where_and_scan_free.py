"""Another correct 02: sign_switch with tf.where over a broadcast condition, running_sum as a
a loop over tf.range into a dynamic-size TensorArray, and log_graph writing the
concrete function's graph with tf.summary.graph after a timed flush.

covers: running_sum, sign_switch, log_graph, make_shape_agnostic
"""
import os

import tensorflow as tf


@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
def running_sum(x):
    ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
    total = tf.zeros([], tf.float32)
    for i in tf.range(tf.shape(x)[0]):
        total = total + x[i]
        ta = ta.write(i, total)
    return tf.reshape(ta.stack(), [-1])


@tf.function
def sign_switch(x):
    positive = tf.reduce_sum(x) > 0
    return tf.where(positive, x, -x)


def log_graph(fn, spec, logdir):
    graph = tf.function(fn).get_concrete_function(spec).graph
    writer = tf.summary.create_file_writer(logdir)
    with writer.as_default():
        tf.summary.graph(graph.as_graph_def())
        writer.flush()
    writer.close()
    names = [os.path.join(logdir, n) for n in os.listdir(logdir) if n.startswith("events.out.tfevents")]
    return max(names, key=os.path.getmtime)


def make_shape_agnostic(fn):
    decorate = tf.function(input_signature=[tf.TensorSpec(shape=(None, None), dtype=tf.float32)])
    return decorate(fn)
