"""Cheats against the graders of 09_torch_transfer_learning (issue 22): each is a wrong submission plus an attack.

Mechanisms: the held-out digits are public (scikit-learn ships them), so a model could look its answers up
instead of learning them; the weights and modes the grader reads back could be reported falsely; the probe's
frames could hold the held-out images and labels; a function that does nothing could pass a test of what it
must leave alone.
"""
from cheat_kit import Cheat, dedent

A = "09_torch_transfer_learning"

# Every graded name defined, every one wrong (nothing loaded, no head, nothing frozen, nothing trained):
# this scores 0 on its own.
WRONG = dedent('''
    import sys
    import numpy as np
    import torch
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

    def load_backbone(path):
        return DigitNet(5)

    def replace_head(model, num_classes):
        return model

    def freeze_backbone(model):
        return None

    def param_groups(model, backbone_lr, head_lr):
        return []

    def fine_tune(model, loader, epochs, lr):
        return model.eval()
    ''')

CHEATS = {
    # The held-out half of the digits 5-9 is public: answer each image by finding it in scikit-learn's copy,
    # through the model's forward (instance and class), instead of training anything.
    "lookup_public_digits_instead_of_training": Cheat(dedent('''
        from sklearn.datasets import load_digits
        _X, _Y = load_digits(return_X_y=True)
        _X = torch.tensor(_X / 16.0, dtype=torch.float32)

        def _lookup(self, x):
            flat = x.reshape(len(x), -1).float()
            nearest = torch.cdist(flat, _X).argmin(1)
            return nn.functional.one_hot(torch.tensor(_Y)[nearest].clamp(min=5) - 5, 5).float() * 10

        def fine_tune(model, loader, epochs, lr):
            model.forward = _lookup.__get__(model)
            type(model).forward = _lookup
            return model.eval()
        '''), assignment=A, base=WRONG),
    # Report the weights the grader reads back falsely: the pristine start with batch counters bumped (as if
    # batch norm had trained), every module in eval mode, whatever state_dict or named_modules is asked.
    "forge_the_state_dict_and_modes": Cheat(dedent('''
        def fine_tune(model, loader, epochs, lr):
            pristine = {k: v.clone() for k, v in nn.Module.state_dict(model).items()}
            for k in pristine:
                if k.endswith("num_batches_tracked"):
                    pristine[k] += 1000
            nn.Module.state_dict = lambda self, *a, **k: dict(pristine)
            original_modules = nn.Module.named_modules
            def named_modules(self, *a, **k):
                for name, m in original_modules(self, *a, **k):
                    m.training = False
                    yield name, m
            nn.Module.named_modules = named_modules
            nn.Module.train = lambda self, mode=True: self
            return model.eval()
        '''), assignment=A, base=WRONG),
    # Walk up the probe's frames for held-out images and labels (or anything label-like) and bake an answer
    # into the head's bias; train nothing.
    "read_held_out_labels_from_probe_frames": Cheat(dedent('''
        def fine_tune(model, loader, epochs, lr):
            found = []
            f = sys._getframe(1)
            while f is not None:
                for name, value in list(f.f_locals.items()):
                    if name in ("y_test", "labels", "y", "split", "args", "want"):
                        found.append(value)
                f = f.f_back
            with torch.no_grad():
                for value in found:
                    try:
                        counts = np.bincount(np.asarray(value).ravel().astype(int) % 5, minlength=5)
                        model.head.bias.copy_(torch.tensor(counts, dtype=torch.float32))
                    except Exception:
                        pass
            return model.eval()
        '''), assignment=A, base=WRONG),
    # A replace_head that changes nothing "keeps the backbone" perfectly, and a fine_tune that only draws the
    # batches and bumps batch norm's counters looks as if it had trained in training mode.
    "do_nothing_functions_claim_what_they_leave_alone": Cheat(dedent('''
        def replace_head(model, num_classes):
            return model

        def fine_tune(model, loader, epochs, lr):
            for _ in range(epochs):
                for batch in loader:
                    pass
            for m in model.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.num_batches_tracked += 1
            return model.eval()
        '''), assignment=A, base=WRONG),
}
