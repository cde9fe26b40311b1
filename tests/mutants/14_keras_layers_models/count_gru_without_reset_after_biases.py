"""rnn_param_count counts one bias per GRU gate block, forgetting reset_after's second bias.

breaks: rnn_param_count
"""


def rnn_param_count(kind, input_dim, units):
    gates = 4 if kind == "lstm" else 3
    return gates * (units * (input_dim + units) + units)
