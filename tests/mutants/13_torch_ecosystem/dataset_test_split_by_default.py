"""DigitsDataset() without arguments gives the test split: its default is train=False.

breaks: DigitsDataset
"""
_DigitsDataset = DigitsDataset  # noqa: F821 (the reference, defined above this file)


class DigitsDataset(_DigitsDataset):
    def __init__(self, train=False, transform=None):
        super().__init__(train=train, transform=transform)
