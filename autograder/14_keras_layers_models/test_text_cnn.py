"""Hidden tests of text_cnn: token ids of any length -> Embedding -> Conv1D (ReLU, 'valid') ->
GlobalMaxPooling1D -> Dense softmax, checked against a NumPy forward pass with weights drawn here."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


def drawn_weights(shapes, seed):
    """Weights for the model's variables, in order: 1-D ones (biases) around -0.5 so that the ReLU
    before the max pooling matters, the others around 0."""
    gen = np.random.default_rng(seed)
    return [(gen.normal(-0.5, 0.3, shape) if len(shape) == 1 else gen.normal(0.0, 0.5, shape)).astype("float32")
            for shape in shapes]


@probe(uses=[drawn_weights])
def probe_text_cnn(mod, vocab, embed_dim, filters, kernel_size, num_classes, batches, seed):
    model = mod.text_cnn(vocab, embed_dim, filters, kernel_size, num_classes)
    shapes = [tuple(int(s) for s in w.shape) for w in model.weights]
    model.set_weights(drawn_weights(shapes, seed))
    return {"input_shape": [None if d is None else int(d) for d in model.inputs[0].shape],
            "input_dtype": str(model.inputs[0].dtype), "shapes": [list(s) for s in shapes],
            "outputs": [np.asarray(model(tf.constant(ids), training=False)) for ids in batches]}


def _draw(rng):
    vocab, embed_dim = int(rng.integers(20, 60)), int(rng.integers(3, 7))
    filters, kernel_size, num_classes = int(rng.integers(6, 11)), int(rng.integers(2, 5)), int(rng.integers(2, 6))
    n = int(rng.integers(4, 8))
    batches = [rng.integers(0, vocab, (n, int(length))).astype("int32")
               for length in (rng.integers(kernel_size + 3, kernel_size + 8), rng.integers(kernel_size + 9, 25))]
    return vocab, embed_dim, filters, kernel_size, num_classes, batches, int(rng.integers(0, 2**31 - 1))


def _forward(ids, embedding, kernel, conv_bias, dense, dense_bias):
    x = embedding.astype(np.float64)[ids]                                   # (N, T, e)
    k = kernel.shape[0]
    windows = np.stack([x[:, t:t + k, :] for t in range(x.shape[1] - k + 1)], axis=1)   # (N, T-k+1, k, e)
    z = np.einsum("ntke,kef->ntf", windows, kernel.astype(np.float64)) + conv_bias
    pooled = np.maximum(z, 0.0).max(axis=1)                                 # (N, filters)
    logits = pooled @ dense.astype(np.float64) + dense_bias
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _expect_forward(got, case, which):
    vocab, embed_dim, filters, kernel_size, num_classes, batches, seed = case
    wanted = [[vocab, embed_dim], [kernel_size, embed_dim, filters], [filters], [filters, num_classes], [num_classes]]
    expect(got["shapes"] == wanted,
           "text_cnn should hold exactly Embedding(vocab, embed_dim), Conv1D(filters, kernel_size) and "
           "Dense(num_classes), in this order (global max pooling has no weights)")
    weights = drawn_weights([tuple(s) for s in wanted], seed)
    outputs = got["outputs"]
    expect(isinstance(outputs, list) and len(outputs) == len(batches), "text_cnn's model should return one output per call")
    for i in which:
        out, ids = outputs[i], batches[i]
        expect(type(out) is np.ndarray and out.shape == (len(ids), num_classes),
               f"on texts of {ids.shape[1]} ids text_cnn's model should return (batch, num_classes) probabilities")
        close(out, _forward(ids, *weights),
              "text_cnn should compute Embedding, then Conv1D with a ReLU and 'valid' padding, then the maximum "
              "over positions (GlobalMaxPooling1D), then a softmax Dense layer", rtol=1e-4, atol=1e-5)


@graded("text_cnn", points=3)
def test_text_cnn_is_embedding_conv1d_max_pooling_softmax(sub, rng):
    case = _draw(rng)
    _expect_forward(sub.run(probe_text_cnn, *case), case, [0])


@graded("text_cnn", points=1)
def test_text_cnn_takes_token_ids_of_any_length(sub, rng):
    case = _draw(rng)
    got = sub.run(probe_text_cnn, *case)
    expect(got["input_shape"] == [None, None] and "int" in str(got["input_dtype"]),
           "text_cnn should start from keras.Input((None,), dtype='int32'): integer ids, any length")
    _expect_forward(got, case, [0, 1])
