"""make_counting_function prints on each trace instead of appending to the traces list.

breaks: make_counting_function
"""
import tensorflow as tf


def make_counting_function():
    traces = []

    @tf.function
    def f(x):
        print("tracing", x)
        return x * x + 1

    return f, traces
