"""op_types collects op names (op.name) instead of op types (op.type).

breaks: op_types
"""


def op_types(concrete):
    return {op.name for op in concrete.graph.get_operations()}
