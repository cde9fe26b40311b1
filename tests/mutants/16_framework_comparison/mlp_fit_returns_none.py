"""TorchMLPClassifier.fit trains but returns None instead of self.

breaks: TorchMLPClassifier
"""
_Chain = TorchMLPClassifier  # noqa: F821 (the reference, defined above this file)


class TorchMLPClassifier(_Chain):
    def fit(self, X, y):
        super().fit(X, y)
