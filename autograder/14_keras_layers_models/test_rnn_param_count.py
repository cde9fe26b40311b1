"""Hidden tests of rnn_param_count: the parameter counts of Keras's LSTM and GRU (reset_after=True)."""
import numpy as np

from dlcourse.grading import expect, graded, probe


@probe
def probe_counts(mod, cases):
    out = []
    for kind, d, u in cases:
        n = mod.rnn_param_count(kind, d, u)
        is_int = isinstance(n, (int, np.integer)) and not isinstance(n, bool)
        out.append([int(n) if is_int else float(n), is_int])
    return out


def _cases(rng, kind):
    return [[kind, int(d), int(u)] for d, u in zip(rng.integers(1, 200, 4), rng.integers(1, 200, 4))]


@graded("rnn_param_count", points=1)
def test_rnn_param_count_lstm(sub, rng):
    cases = _cases(rng, "lstm")
    got = sub.run(probe_counts, cases)
    expect(all(is_int for _, is_int in got), "rnn_param_count should return an int")
    expect([n for n, _ in got] == [4 * (u * (d + u) + u) for _, d, u in cases],
           "rnn_param_count('lstm', input_dim, units) differs from the parameters of keras.layers.LSTM(units)")


@graded("rnn_param_count", points=2)
def test_rnn_param_count_gru_counts_both_biases(sub, rng):
    cases = _cases(rng, "gru")
    got = sub.run(probe_counts, cases)
    expect(all(is_int for _, is_int in got), "rnn_param_count should return an int")
    expect([n for n, _ in got] == [3 * (u * (d + u) + 2 * u) for _, d, u in cases],
           "rnn_param_count('gru', input_dim, units) differs from the parameters of keras.layers.GRU(units) "
           "with its default settings")
