"""Train the "pre-trained" backbone of 09_torch_transfer_learning, deterministically.

A small CNN (`DigitNet`, the architecture the notebook gives) learns scikit-learn's handwritten
digits 0-4; learners then adapt it to the digits 5-9. Run from the course root:

    .venv/bin/python scripts/make_backbone.py

It writes source/09_torch_transfer_learning/digit_backbone.pt (a state_dict, about 100 KB) in a
few seconds (or to the path given as its one argument). Same torch version and machine, same
bytes: one thread, fixed seeds.
"""
from pathlib import Path

import sys

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

OUT = Path(__file__).resolve().parent.parent / "source" / "09_torch_transfer_learning" / "digit_backbone.pt"


class DigitNet(nn.Module):
    def __init__(self, num_classes=5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.head = nn.Linear(64, num_classes)

    def forward(self, x):
        return self.head(self.features(x))


def digits(low, high):
    """Images (N, 1, 8, 8) float32 in [0, 1] and labels digit - low, for the digits low..high."""
    X, y = load_digits(return_X_y=True)
    keep = (y >= low) & (y <= high)
    images = torch.tensor(X[keep] / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8)
    return images, torch.tensor(y[keep] - low)


def main(out=OUT):
    torch.manual_seed(0)
    torch.set_num_threads(1)
    x, y = digits(0, 4)
    loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True,
                        generator=torch.Generator().manual_seed(0))
    model = DigitNet(5)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(15):
        model.train()
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        print(f"epoch {epoch + 1:2d}  loss {total / len(x):.4f}")
    model.eval()
    with torch.no_grad():
        acc = (model(x).argmax(1) == y).float().mean().item()
        x59, y59 = digits(5, 9)
        feats = model.features(x59)
    print(f"training accuracy on 0-4: {acc:.4f}; {len(x)} images")
    print(f"features of 5-9: mean {feats.mean():.3f}, std {feats.std():.3f} ({np.prod(feats.shape[1:])} per image)")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), out)
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main(*sys.argv[1:2])
