"""NpyBatches has n // batch_size + 1 batches: one too many (an empty one) when batch_size divides n.

breaks: NpyBatches
"""
import keras
import numpy as np


class NpyBatches(keras.utils.PyDataset):
    def __init__(self, x_path, y_path, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x = np.load(x_path, mmap_mode="r")
        self.y = np.load(y_path, mmap_mode="r")
        self.batch_size = int(batch_size)

    def __len__(self):
        return len(self.x) // self.batch_size + 1

    def __getitem__(self, index):
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return np.asarray(self.x[rows]), np.asarray(self.y[rows])
