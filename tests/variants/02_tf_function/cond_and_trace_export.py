"""Another correct 02: tf.cond for sign_switch, a while-loop over tf.range with an index-only
TensorArray read for running_sum, log_graph through tf.summary.trace_on/trace_export, a
counting function whose side effect is a counter append, and timing with time.time().

covers: make_counting_function, make_shape_agnostic, concrete_for, op_types, running_sum, sign_switch, log_graph, on_device, time_eager_vs_graph
"""
import glob
import os
import time

import tensorflow as tf


def make_counting_function():
    traces = []

    def body(x):
        traces.append(1)
        return tf.add(tf.multiply(x, x), 1)

    return tf.function(body), traces


def make_shape_agnostic(fn):
    @tf.function(input_signature=(tf.TensorSpec([None, None], tf.float32),))
    def wrapped(x):
        return fn(x)
    return wrapped


def concrete_for(f, spec):
    specs = (spec,)
    return f.get_concrete_function(*specs)


def op_types(concrete):
    return set(op.type for op in concrete.graph.get_operations())


@tf.function(input_signature=(tf.TensorSpec(shape=(None,), dtype=tf.float32),))
def running_sum(x):
    n = tf.size(x)
    out = tf.TensorArray(dtype=tf.float32, size=n, dynamic_size=False)
    acc = 0.0
    for i in tf.range(n):
        acc = acc + tf.gather(x, i)
        out = out.write(i, acc)
    return out.stack()


@tf.function
def sign_switch(x):
    return tf.cond(tf.reduce_sum(x) > 0.0, lambda: tf.identity(x), lambda: tf.negative(x))


def log_graph(fn, spec, logdir):
    traced = tf.function(fn)
    writer = tf.summary.create_file_writer(logdir)
    example = tf.zeros([1 if d is None else d for d in spec.shape.as_list()], spec.dtype)
    tf.summary.trace_on(graph=True, profiler=False)
    traced(example)                      # trace_on records the graphs of functions that run
    with writer.as_default():
        tf.summary.trace_export(name="graph", step=0)
    writer.close()
    return sorted(glob.glob(os.path.join(logdir, "*tfevents*")), key=os.path.getmtime)[-1]


def on_device(fn, x, device="/CPU:0"):
    with tf.device(tf.DeviceSpec.from_string(device).to_string()):
        out = fn(x)
    return out


def time_eager_vs_graph(fn, x, repeats):
    compiled = tf.function(fn)
    out = {}
    for key, g in (("graph", compiled), ("eager", fn)):
        g(x)
        t0 = time.time()
        for _ in range(repeats):
            g(x)
        out[key] = max(time.time() - t0, 1e-9)
    return out
