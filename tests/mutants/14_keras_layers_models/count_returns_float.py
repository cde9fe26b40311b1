"""rnn_param_count returns a float (true division somewhere) instead of an int.

breaks: rnn_param_count
"""


def rnn_param_count(kind, input_dim, units):
    per_gate = units * (input_dim + units) + units
    return 4.0 * per_gate if kind == "lstm" else 3.0 * (per_gate + units)
