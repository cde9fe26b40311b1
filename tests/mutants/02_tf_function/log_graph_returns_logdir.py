"""log_graph returns the log directory instead of the event file's path.

breaks: log_graph
"""
import tensorflow as tf


def log_graph(fn, spec, logdir):
    concrete = tf.function(fn).get_concrete_function(spec)
    writer = tf.summary.create_file_writer(logdir)
    with writer.as_default():
        tf.summary.graph(concrete.graph)
    writer.close()
    return logdir
