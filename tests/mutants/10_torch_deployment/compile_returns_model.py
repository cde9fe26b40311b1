"""compile_model returns the model itself, uncompiled (outputs right, nothing captured).

breaks: compile_model
"""


def compile_model(model, backend="inductor"):
    return model
