"""Shape returned as a TensorShape and dtype as a tf.DType, not a tuple and a string.

breaks: tensor_summary
"""


def tensor_summary(t):
    size = t.shape.num_elements()
    return {"rank": t.shape.rank, "shape": t.shape, "dtype": t.dtype, "size": size}
