"""Hidden tests of count_parameters: every parameter of a torch module (frozen too, buffers not),
every weight of a Keras model (non-trainable and BatchNorm statistics too), as an int."""
from dlcourse.grading import expect, graded, probe


@probe
def probe_torch(mod, d, h, k, vocab, e):
    net = torch.nn.ModuleDict({
        "embed": torch.nn.Embedding(vocab, e),
        "body": torch.nn.Sequential(torch.nn.Linear(d, h), torch.nn.BatchNorm1d(h), torch.nn.ReLU(), torch.nn.Linear(h, k)),
    })
    net["embed"].weight.requires_grad_(False)          # frozen
    net["body"][0].requires_grad_(False)               # frozen
    n = mod.count_parameters(net)
    return [int(n) if isinstance(n, int) else float(n), isinstance(n, int) and not isinstance(n, bool)]


@probe
def probe_keras(mod, d, h, k):
    first = keras.layers.Dense(h)
    model = keras.Sequential([keras.Input((d,)), first, keras.layers.BatchNormalization(),
                              keras.layers.Activation("relu"), keras.layers.Dense(k)])
    first.trainable = False
    n = mod.count_parameters(model)
    return [int(n) if isinstance(n, int) else float(n), isinstance(n, int) and not isinstance(n, bool)]


def _sizes(rng):
    return [int(v) for v in (rng.integers(2, 30), rng.integers(2, 30), rng.integers(2, 10))]


@graded("count_parameters", points=2)
def test_count_parameters_torch_counts_frozen_and_skips_buffers(sub, rng):
    d, h, k = _sizes(rng)
    vocab, e = int(rng.integers(5, 50)), int(rng.integers(2, 9))
    n, is_int = sub.run(probe_torch, d, h, k, vocab, e)
    expect(is_int, "count_parameters should return a Python int")
    expected = vocab * e + d * h + h + 2 * h + h * k + k
    expect(n == expected, "count_parameters of a torch module should count every parameter, frozen ones "
                          "(requires_grad=False) included, and no buffers (BatchNorm's running statistics)")


@graded("count_parameters", points=2)
def test_count_parameters_keras_counts_every_weight(sub, rng):
    d, h, k = _sizes(rng)
    n, is_int = sub.run(probe_keras, d, h, k)
    expect(is_int, "count_parameters should return a Python int")
    expected = d * h + h + 4 * h + h * k + k
    expect(n == expected, "count_parameters of a Keras model should count all its weights, as count_params() "
                          "does: non-trainable ones and BatchNormalization's moving statistics included")
