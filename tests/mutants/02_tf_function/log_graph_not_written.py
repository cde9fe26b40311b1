"""log_graph creates the writer but never writes the graph.

breaks: log_graph
"""
import glob
import os

import tensorflow as tf


def log_graph(fn, spec, logdir):
    tf.function(fn).get_concrete_function(spec)
    writer = tf.summary.create_file_writer(logdir)
    writer.flush()
    writer.close()
    return max(glob.glob(os.path.join(logdir, "events.out.tfevents.*")), key=os.path.getmtime)
