"""MLPModel's dropout defaults to 0.5 instead of 0.0: a model built without a rate drops units while training.

breaks: MLPModel
"""
_MLPModel = MLPModel  # noqa: F821 (the reference, defined above this file)


class MLPModel(_MLPModel):
    def __init__(self, hidden_units, num_classes, dropout=0.5, **kwargs):
        super().__init__(hidden_units, num_classes, dropout=dropout, **kwargs)
