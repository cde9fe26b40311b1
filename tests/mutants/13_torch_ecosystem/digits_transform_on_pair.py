"""DigitsDataset passes the image and the label together to the transform.

breaks: DigitsDataset
"""
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import Dataset


class DigitsDataset(Dataset):
    def __init__(self, train=True, transform=None):
        X, y = load_digits(return_X_y=True)
        train_idx, test_idx = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y, random_state=0)
        idx = train_idx if train else test_idx
        self.images = torch.tensor(X[idx] / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8)
        self.labels = [int(v) for v in y[idx]]
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        image = self.images[i]
        if self.transform is not None:
            image, _ = self.transform(image, self.labels[i])
        return image, self.labels[i]
