"""NpyBatches loads each whole file again for every batch (np.load without mmap_mode inside __getitem__):
fresh data, but the whole array in memory at every step.

breaks: NpyBatches
"""
import math

import keras
import numpy as np


class NpyBatches(keras.utils.PyDataset):
    def __init__(self, x_path, y_path, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x_path, self.y_path, self.batch_size = x_path, y_path, int(batch_size)
        self.n = len(np.load(y_path))

    def __len__(self):
        return math.ceil(self.n / self.batch_size)

    def __getitem__(self, index):
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return np.load(self.x_path)[rows], np.load(self.y_path)[rows]
