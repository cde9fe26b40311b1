"""Hidden graders of fine_tune: accuracy on held-out digits 5-9, frozen parts untouched, eval mode at the end."""
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from dlcourse.grading import expect, graded, probe

ROOT = Path(__file__).resolve().parents[2]
BACKBONE = ROOT / "source" / "09_torch_transfer_learning" / "digit_backbone.pt"


def digitnet(num_classes=5):
    """The notebook's DigitNet (the architecture is given, not graded)."""
    from torch import nn

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

    return DigitNet(num_classes)


def prepare(data, frozen, k):
    """DigitNet with the backbone weights, a new head of k classes, the backbone frozen if asked."""
    import io

    model = digitnet(5)
    model.load_state_dict(torch.load(io.BytesIO(data), map_location="cpu", weights_only=True))
    model.head = torch.nn.Linear(64, k)
    if frozen:
        for p in model.features.parameters():
            p.requires_grad_(False)
        for m in model.features.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.eval()
    return model


@probe(uses=[digitnet, prepare])
def probe_fine_tune(mod, data, frozen, split, epochs, lr, seed):
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(seed)
    model = prepare(data, frozen, 5)
    before = {k: v.clone() for k, v in model.features.state_dict().items()}
    x_train, y_train, x_test, y_test = (torch.tensor(a) for a in split)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=32, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    returned = mod.fine_tune(model, loader, epochs, lr)
    model.eval()
    with torch.no_grad():
        accuracy = float((model(x_test).argmax(1) == y_test).float().mean())
    changed = [k for k, v in model.features.state_dict().items() if not torch.equal(v, before[k])]
    return {"accuracy": accuracy, "changed": changed, "same_object": returned is model}


@probe(uses=[digitnet, prepare])
def probe_passes(mod, data, x, y, batch_size, epochs, lr):
    from torch.utils.data import DataLoader, TensorDataset

    class Counting:
        """A loader that counts the batches drawn from it."""

        def __init__(self, loader):
            self.loader, self.batches = loader, 0

        def __iter__(self):
            for batch in self.loader:
                self.batches += 1
                yield batch

        def __len__(self):
            return len(self.loader)

    model = prepare(data, False, 5)
    loader = Counting(DataLoader(TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=batch_size))
    returned = mod.fine_tune(model, loader, epochs, lr)
    return {"batches": loader.batches, "per_epoch": len(loader), "same_object": returned is model,
            "modes": {name or "model": bool(m.training) for name, m in model.named_modules()}}


def backbone_bytes():
    return BACKBONE.read_bytes()


def split_5_to_9(rng):
    """Digits 5-9 as (N, 1, 8, 8) float32 of pixels/16, labels digit - 5, split in half (stratified, fresh seed)."""
    X, y = load_digits(return_X_y=True)
    keep = y >= 5
    X = (X[keep] / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    y = (y[keep] - 5).astype(np.int64)
    train, test = train_test_split(np.arange(len(y)), test_size=0.5, stratify=y, random_state=int(rng.integers(2**31)))
    return [X[train], y[train], X[test], y[test]]


@graded("fine_tune", points=2)
def test_fine_tune_whole_network_accuracy(sub, rng):
    got = sub.run(probe_fine_tune, backbone_bytes(), False, split_5_to_9(rng), 10, 1e-3, int(rng.integers(2**31)))
    expect(got["same_object"], "fine_tune should return the model it was given")
    expect(got["accuracy"] >= 0.95, f"fine-tuning the whole network (new 5-class head, 10 epochs, lr=1e-3, batch 32, "
                                    f"half of the digits 5-9) reached {got['accuracy']:.3f} accuracy on the other half; "
                                    "at least 0.95 is expected (Adam over the trainable parameters, cross-entropy)")


@graded("fine_tune", points=2)
def test_fine_tune_keeps_a_frozen_backbone_unchanged(sub, rng):
    got = sub.run(probe_fine_tune, backbone_bytes(), True, split_5_to_9(rng), 10, 1e-2, int(rng.integers(2**31)))
    running = [k for k in got["changed"] if "running" in k or "num_batches" in k]
    weights = [k for k in got["changed"] if k not in running]
    expect(not weights, f"fine_tune changed frozen backbone parameters ({weights[:2]}): optimize only parameters "
                        "that require grad")
    expect(not running, f"fine_tune changed the batch-norm running statistics of a frozen backbone ({running[:2]}): "
                        "after model.train(), put BatchNorm layers whose weights are frozen back in eval mode")


@graded("fine_tune", points=1)
def test_fine_tune_frozen_backbone_accuracy(sub, rng):
    got = sub.run(probe_fine_tune, backbone_bytes(), True, split_5_to_9(rng), 10, 1e-2, int(rng.integers(2**31)))
    expect(got["accuracy"] >= 0.65, f"training only a new head on the frozen backbone (10 epochs, lr=1e-2, batch 32, "
                                    f"half of the digits 5-9) reached {got['accuracy']:.3f} accuracy on the other half; "
                                    "at least 0.65 is expected")


@graded("fine_tune", points=1)
def test_fine_tune_runs_the_epochs_and_ends_in_eval_mode(sub, rng):
    x, y, _, _ = split_5_to_9(rng)
    n, batch_size, epochs = int(rng.integers(40, 90)), int(rng.integers(8, 17)), int(rng.integers(2, 5))
    got = sub.run(probe_passes, backbone_bytes(), x[:n], y[:n], batch_size, epochs, 1e-3)
    expect(got["batches"] == epochs * got["per_epoch"],
           f"fine_tune(model, loader, epochs={epochs}, lr) should make {epochs} passes over the loader "
           f"({got['per_epoch']} batches each), it drew {got['batches']} batches")
    expect(got["same_object"], "fine_tune should return the model it was given")
    in_training = sorted(name for name, training in got["modes"].items() if training)
    expect(not in_training, f"after fine_tune the model should be in eval mode; still training: {in_training[:3]}")
