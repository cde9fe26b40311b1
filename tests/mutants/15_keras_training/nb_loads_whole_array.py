"""NpyBatches reads both files whole with np.load (no mmap_mode): the whole array sits in memory.

breaks: NpyBatches
"""
import math

import keras
import numpy as np


class NpyBatches(keras.utils.PyDataset):
    def __init__(self, x_path, y_path, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x = np.load(x_path)
        self.y = np.load(y_path)
        self.batch_size = int(batch_size)

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index):
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[rows], self.y[rows]
