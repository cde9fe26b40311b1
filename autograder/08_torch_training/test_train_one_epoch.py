"""Hidden graders of train_one_epoch: a zero_grad/backward/step loop in training mode, loss per sample."""
import numpy as np
import torch
from torch import nn

from dlcourse.grading import close, expect, graded, probe


def build(state):
    """Linear -> recorder -> Tanh -> Dropout(0) -> Linear; the recorder notes (training, grad enabled)."""
    from torch import nn

    class Recorder(nn.Module):
        def __init__(self):
            super().__init__()
            self.seen = []

        def forward(self, x):
            self.seen.append([bool(self.training), bool(torch.is_grad_enabled())])
            return x

    d, h, k = state["0.weight"].shape[1], state["0.weight"].shape[0], state["4.weight"].shape[0]
    net = nn.Sequential(nn.Linear(d, h), Recorder(), nn.Tanh(), nn.Dropout(0.0), nn.Linear(h, k))
    net.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    return net


def make_loader(x, y, batch_size):
    from torch.utils.data import DataLoader, TensorDataset
    return DataLoader(TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=batch_size, shuffle=False)


def make_loss(kind):
    from torch import nn
    return nn.CrossEntropyLoss() if kind == "ce" else nn.MSELoss()


@probe(uses=[build, make_loader, make_loss])
def probe_epoch(mod, state, x, y, batch_size, kind, lr, garbage):
    torch.set_grad_enabled(True)                # whatever an earlier call left switched off
    net = build(state)
    net.eval()                                             # left in eval mode by an earlier evaluation
    optimizer = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.5)
    if garbage is not None:                                 # stale gradients from an earlier backward
        for p, g in zip(net.parameters(), garbage):
            p.grad = torch.tensor(g)
    value = mod.train_one_epoch(net, make_loader(x, y, batch_size), optimizer, make_loss(kind))
    out = {"type": type(value).__name__, "is_float": isinstance(value, float),
           "value": float(value) if isinstance(value, (int, float)) else None,
           "weights": {name: p.detach().numpy().copy() for name, p in net.named_parameters()},
           "seen": net[1].seen}
    if out["value"] is None and torch.is_tensor(value) and value.numel() == 1:
        out["value"] = float(value.detach())
    return out


def random_case(rng, kind, short_last=False):
    d, h, k = int(rng.integers(2, 7)), int(rng.integers(3, 9)), int(rng.integers(2, 5))
    batch_size = int(rng.integers(4, 9))
    n = batch_size * int(rng.integers(2, 5)) + (int(rng.integers(1, 3)) if short_last else int(rng.integers(0, batch_size)))
    state = {"0.weight": (rng.standard_normal((h, d)) * 0.8).astype(np.float32),
             "0.bias": (rng.standard_normal(h) * 0.3).astype(np.float32),
             "4.weight": (rng.standard_normal((k, h)) * 0.8).astype(np.float32),
             "4.bias": (rng.standard_normal(k) * 0.3).astype(np.float32)}
    x = rng.standard_normal((n, d)).astype(np.float32)
    if kind == "ce":
        y = rng.integers(0, k, size=n).astype(np.int64)
    else:
        y = rng.standard_normal((n, k)).astype(np.float32)
    return state, x, y, batch_size, float(rng.uniform(0.05, 0.3))


def reference(state, x, y, batch_size, kind, lr):
    """The same epoch run here: weights after it, and each batch's loss and size."""
    net = build(state)
    net.train()
    optimizer = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.5)
    loss_fn = make_loss(kind)
    losses, sizes = [], []
    for xb, yb in make_loader(x, y, batch_size):
        optimizer.zero_grad()
        loss = loss_fn(net(xb), yb)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        sizes.append(len(xb))
    weights = {name: p.detach().numpy().copy() for name, p in net.named_parameters()}
    return weights, np.array(losses), np.array(sizes)


def compare_weights(got, want, message):
    expect(sorted(got) == sorted(want), "train_one_epoch changed the model's parameter names")
    for name in want:
        close(got[name], want[name], f"{message} (parameter {name})", rtol=1e-4, atol=1e-5)


def garbage_for(state, rng):
    return [(rng.standard_normal(state[name].shape) * 5).astype(np.float32)
            for name in ("0.weight", "0.bias", "4.weight", "4.bias")]


@graded("train_one_epoch", points=2)
def test_train_one_epoch_matches_a_zero_grad_backward_step_loop(sub, rng):
    for kind in ("ce", "mse"):
        state, x, y, batch_size, lr = random_case(rng, kind)
        got = sub.run(probe_epoch, state, x, y, batch_size, kind, lr, None)
        want, _, _ = reference(state, x, y, batch_size, kind, lr)
        compare_weights(got["weights"], want, "after one epoch (SGD with momentum, several batches) the weights "
                        "differ from a loop that clears the gradients, runs backward and steps once per batch")


@graded("train_one_epoch", points=1)
def test_train_one_epoch_ignores_stale_gradients(sub, rng):
    state, x, y, batch_size, lr = random_case(rng, "ce")
    got = sub.run(probe_epoch, state, x, y, batch_size, "ce", lr, garbage_for(state, rng))
    want, _, _ = reference(state, x, y, batch_size, "ce", lr)
    compare_weights(got["weights"], want, "the model's parameters already held gradients from an earlier "
                    "backward, and they leaked into the update: clear the gradients before each backward")


@graded("train_one_epoch", points=1)
def test_train_one_epoch_runs_in_training_mode(sub, rng):
    state, x, y, batch_size, lr = random_case(rng, "ce")
    got = sub.run(probe_epoch, state, x, y, batch_size, "ce", lr, None)
    expect(len(got["seen"]) > 0, "train_one_epoch never called the model")
    expect(all(training for training, _ in got["seen"]),
           "the model was given in eval mode and train_one_epoch ran its forward passes without switching it "
           "to training mode")
    expect(all(grad for _, grad in got["seen"]), "train_one_epoch ran a forward pass with autograd switched off")


@graded("train_one_epoch", points=2)
def test_train_one_epoch_returns_mean_loss_per_sample(sub, rng):
    for kind in ("ce", "mse"):
        for _ in range(20):                          # a case where the two averages clearly differ
            state, x, y, batch_size, lr = random_case(rng, kind, short_last=True)
            _, losses, sizes = reference(state, x, y, batch_size, kind, lr)
            weighted = float((losses * sizes).sum() / sizes.sum())
            if abs(weighted - losses.mean()) > 1e-3 * abs(weighted):
                break
        got = sub.run(probe_epoch, state, x, y, batch_size, kind, lr, None)
        expect(got["is_float"], f"train_one_epoch should return a Python float (loss.item()), got a {got['type']}")
        close(got["value"], weighted, "the returned loss should be the mean over samples of the losses computed "
              "during the epoch (each batch's loss weighted by its size; the last batch is shorter)",
              rtol=1e-5, atol=1e-7)
