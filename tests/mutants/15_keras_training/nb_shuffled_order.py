"""NpyBatches serves the batches in a shuffled order instead of file order.

breaks: NpyBatches
"""
import math

import keras
import numpy as np


class NpyBatches(keras.utils.PyDataset):
    def __init__(self, x_path, y_path, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x = np.load(x_path, mmap_mode="r")
        self.y = np.load(y_path, mmap_mode="r")
        self.batch_size = int(batch_size)
        self.order = np.random.default_rng(0).permutation(math.ceil(len(self.x) / self.batch_size))
        if len(self.order) > 1 and np.all(self.order == np.arange(len(self.order))):
            self.order = self.order[::-1]

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index):
        index = int(self.order[index])
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return np.asarray(self.x[rows]), np.asarray(self.y[rows])
