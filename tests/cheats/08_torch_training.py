"""Cheats against 08's graders: spies the learner can find and rewrite, labels left in a probe's frame, learner arrays
that broadcast to a huge matrix in the grader, "raises on bad input" paid to a loss that raises on every input, and
negative tests (eval mode, no autograd) paid to functions that compute nothing."""
from cheat_kit import Cheat, dedent

A = "08_torch_training"

# Every graded name defined and wrong, each in the way that satisfies a test of what it must NOT do.
NOTHING = dedent('''
    import torch
    from torch import nn

    class MLP(nn.Module):
        def __init__(self, in_features, hidden, out_features, dropout=0.0):
            super().__init__()
            self.lin = nn.Linear(in_features, out_features)          # no hidden layer, no non-linearity
        def forward(self, x):
            return self.lin(x) * 0

    def train_one_epoch(model, loader, optimizer, loss_fn):
        model.train()
        for x, y in loader:
            model(x)                                                 # runs in training mode, never learns
        return 0.0

    def evaluate(model, loader, loss_fn):
        model.eval()
        with torch.no_grad():
            for x, y in loader:
                model(x)                                             # eval mode, no autograd, nothing measured
        return 0.0, 0.0

    def fit(model, train_loader, val_loader, epochs, lr, patience):
        return [{"epoch": e, "train_loss": 0.0, "val_loss": 0.0, "val_acc": 0.0} for e in range(1, epochs + 1)]

    class QuantileLoss(nn.Module):
        def __init__(self, q):
            super().__init__()
            self.q = q
        def forward(self, pred, target):
            return (pred - target).abs().mean() * 0

    class FocalLoss(nn.Module):
        def __init__(self, gamma=2.0, reduction="mean"):
            super().__init__()
            raise ValueError("every reduction is unknown")           # "raises on bad input": raises on all input
    ''')

# evaluate with the right values in eval mode, but autograd recording: 2 + 1 points are earned, not the third
EVALUATE_WITH_AUTOGRAD = dedent('''
    def evaluate(model, loader, loss_fn):
        model.eval()
        total, correct, count = 0.0, 0, 0
        for x, y in loader:
            logits = model(x)
            total += loss_fn(logits, y).item() * len(x)
            correct += (logits.argmax(dim=1) == y).sum().item()
            count += len(x)
        return total / count, correct / count
    ''')

# train_one_epoch right except that it never calls model.train(): 2 + 1 + 2 points are earned, not the mode's
TRAIN_IN_EVAL_MODE = dedent('''
    def train_one_epoch(model, loader, optimizer, loss_fn):
        total, count = 0.0, 0
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(x)
            count += len(x)
        return total / count
    ''')

CHEATS = {
    "t08_does_nothing_in_the_right_mode": Cheat(
        "# the attack is the base itself: functions that run the model in the right mode and measure nothing",
        assignment=A, base=NOTHING),
    "t08_rewrites_spy_lists_on_the_model": Cheat(dedent('''
        # a probe's spy once kept its record in a list on a module (Recorder.seen): rewrite every such list
        def evaluate(model, loader, loss_fn, _real=evaluate):
            result = _real(model, loader, loss_fn)
            for module in model.modules():
                for value in list(vars(module).values()):
                    if isinstance(value, list):
                        value[:] = [[False, False] for _ in value]
            return result
        '''), assignment=A, base=NOTHING + EVALUATE_WITH_AUTOGRAD, earned=3.0),
    "t08_fakes_grad_mode_and_tensor_flags": Cheat(dedent('''
        torch.is_grad_enabled = lambda: False
        torch.Tensor.requires_grad = property(lambda self: False)
        torch.Tensor.grad_fn = property(lambda self: None)
        '''), assignment=A, base=NOTHING + EVALUATE_WITH_AUTOGRAD, earned=3.0),
    "t08_marks_modules_as_training_after_an_eval_mode_epoch": Cheat(dedent('''
        # the epoch ran in eval mode; afterwards every module says it was training, and a spy would be told so
        def train_one_epoch(model, loader, optimizer, loss_fn, _real=train_one_epoch):
            value = _real(model, loader, optimizer, loss_fn)
            for module in model.modules():
                module.training = True
                for v in list(vars(module).values()):
                    if isinstance(v, list):
                        v[:] = [[True, True] for _ in v]
            return value
        '''), assignment=A, base=NOTHING + TRAIN_IN_EVAL_MODE, earned=5.0),
    "t08_labels_from_the_probe_frame": Cheat(dedent('''
        # a linear "MLP" that, when evaluated, answers with the labels it finds in the calling frames (once `yt`)
        import sys
        import numpy as np

        class MLP(nn.Module):
            def __init__(self, in_features, hidden, out_features, dropout=0.0):
                super().__init__()
                self.lin = nn.Linear(in_features, out_features)
            def forward(self, x):
                out = self.lin(x)
                if self.training:
                    return out
                frame = sys._getframe(1)
                while frame is not None:
                    for value in list(frame.f_locals.values()):
                        labels = value.numpy() if torch.is_tensor(value) else value
                        if isinstance(labels, np.ndarray) and labels.dtype.kind == "i" and labels.shape == (len(x),):
                            return torch.nn.functional.one_hot(torch.as_tensor(labels), out.shape[1]).float() * 10
                    frame = frame.f_back
                return out
        '''), assignment=A, base=NOTHING, earned=1.0),    # a linear model's logits have the right shape: 1 point
    "t08_nearest_neighbour_from_the_training_frame": Cheat(dedent('''
        # a linear "MLP" that, when evaluated, finds the training points and labels in the calling frames and
        # answers by their nearest neighbour: a classifier, but no MLP
        import sys
        import numpy as np

        class MLP(nn.Module):
            def __init__(self, in_features, hidden, out_features, dropout=0.0):
                super().__init__()
                self.lin = nn.Linear(in_features, out_features)
            def forward(self, x):
                out = self.lin(x)
                if self.training:
                    return out
                q = x.detach().numpy()
                frame = sys._getframe(1)
                while frame is not None:
                    arrays = [v for v in list(frame.f_locals.values()) if isinstance(v, np.ndarray)]
                    points = [a for a in arrays if a.ndim == 2 and a.shape[1] == q.shape[1] and not np.array_equal(a, q)]
                    labels = [a for a in arrays if a.ndim == 1 and a.dtype.kind == "i"]
                    for p in points:
                        for lab in labels:
                            if len(lab) == len(p):
                                nearest = ((q[:, None, :] - p[None, :, :]) ** 2).sum(-1).argmin(1)
                                return torch.nn.functional.one_hot(torch.as_tensor(lab[nearest]), out.shape[1]).float()
                    frame = frame.f_back
                return out
        '''), assignment=A, base=NOTHING, earned=1.0),
    # closed in session 5: the probe empties its list of training data before evaluating, so no frame holds it
    # (frame walking is also evidence the audit hook reports)
    "t08_broadcast_shapes_in_the_trusted_process": Cheat(dedent('''
        # outputs whose shapes alternate (N, 1) and (1, N) with a large N: compared without a shape check, the
        # grader would build an N x N matrix
        N = 1 << 14
        class MLP(nn.Module):
            def __init__(self, in_features, hidden, out_features, dropout=0.0):
                super().__init__()
                self.lin = nn.Linear(in_features, out_features)
                self.calls = 0
            def forward(self, x):
                self.calls += 1
                shape = (N, 1) if self.calls % 2 else (1, N)
                return self.lin(x).sum() * 0 + torch.zeros(shape)
        '''), assignment=A, base=NOTHING),
    "t08_focal_loss_raises_on_every_reduction": Cheat(dedent('''
        class FocalLoss(nn.Module):
            def __init__(self, gamma=2.0, reduction="mean"):
                super().__init__()
                self.gamma, self.reduction = gamma, reduction
            def forward(self, logits, target):
                raise ValueError(f"unknown reduction {self.reduction!r}")
        '''), assignment=A, base=NOTHING),
}
