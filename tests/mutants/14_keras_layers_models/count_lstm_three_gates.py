"""rnn_param_count gives the LSTM three gate blocks instead of four.

breaks: rnn_param_count
"""


def rnn_param_count(kind, input_dim, units):
    return 3 * (units * (input_dim + units) + (2 * units if kind == "gru" else units))
