"""Hidden graders of train_one_epoch: a zero_grad/backward/step loop in training mode, loss per sample.

Every verdict comes from values computed here: the weights and batch-norm statistics after the epoch, compared
with the same epoch run in this process. Training mode shows in those values (batch norm normalises with the batch's
statistics and updates its running ones only in training mode), so no spy inside the learner's process is needed.
"""
import numpy as np
import torch
from torch import nn

from dlcourse.grading import close, expect, graded, probe

PARAMS = ("0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias")
BUFFERS = ("1.running_mean", "1.running_var")


def build(state):
    """Linear -> BatchNorm1d -> Tanh -> Linear, from the grader's weights and batch-norm statistics."""
    from torch import nn

    d, h, k = state["0.weight"].shape[1], state["0.weight"].shape[0], state["3.weight"].shape[0]
    net = nn.Sequential(nn.Linear(d, h), nn.BatchNorm1d(h), nn.Tanh(), nn.Linear(h, k))
    net.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    return net


def make_loader(x, y, batch_size):
    from torch.utils.data import DataLoader, TensorDataset
    return DataLoader(TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=batch_size, shuffle=False)


def make_loss(kind):
    from torch import nn
    return nn.CrossEntropyLoss() if kind == "ce" else nn.MSELoss()


@probe(uses=[build, make_loader, make_loss])
def probe_epoch(mod, state, x, y, batch_size, kind, lr, garbage, start_training):
    torch.set_grad_enabled(True)                # whatever an earlier call left switched off
    net = build(state)
    net.train(start_training is True)           # eval mode: left so by an earlier evaluation
    optimizer = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.5)
    if garbage is not None:                     # stale gradients from an earlier backward
        for p, g in zip(net.parameters(), garbage):
            p.grad = torch.tensor(g)
    value = mod.train_one_epoch(net, make_loader(x, y, batch_size), optimizer, make_loss(kind))
    state_after = net.state_dict()
    out = {"is_float": isinstance(value, float), "value": float(value) if isinstance(value, float) else None,
           "state": {name: state_after[name].detach().double().numpy().copy() for name in state_after
                     if name != "1.num_batches_tracked"}}
    if out["value"] is None and torch.is_tensor(value) and value.numel() == 1:
        out["value"] = float(value.detach())
    return out


def random_case(rng, kind, short_last=False):
    """A network and data; the last batch is never a single sample (batch norm cannot train on one)."""
    d, h, k = int(rng.integers(2, 7)), int(rng.integers(3, 9)), int(rng.integers(2, 5))
    batch_size = int(rng.integers(4, 9))
    rest = int(rng.integers(2, 4)) if short_last else int(rng.choice([0] + list(range(2, batch_size))))
    n = batch_size * int(rng.integers(2, 5)) + rest
    state = {"0.weight": (rng.standard_normal((h, d)) * 0.8).astype(np.float32),
             "0.bias": (rng.standard_normal(h) * 0.3).astype(np.float32),
             "1.weight": rng.uniform(0.5, 1.5, h).astype(np.float32),
             "1.bias": (rng.standard_normal(h) * 0.3).astype(np.float32),
             "1.running_mean": (rng.standard_normal(h) * 2).astype(np.float32),      # far from the batches'
             "1.running_var": rng.uniform(3.0, 6.0, h).astype(np.float32),
             "1.num_batches_tracked": np.array(int(rng.integers(1, 50)), dtype=np.int64),
             "3.weight": (rng.standard_normal((k, h)) * 0.8).astype(np.float32),
             "3.bias": (rng.standard_normal(k) * 0.3).astype(np.float32)}
    x = rng.standard_normal((n, d)).astype(np.float32)
    if kind == "ce":
        y = rng.integers(0, k, size=n).astype(np.int64)
    else:
        y = rng.standard_normal((n, k)).astype(np.float32)
    return state, x, y, batch_size, float(rng.uniform(0.05, 0.3))


def reference(state, x, y, batch_size, kind, lr):
    """The same epoch run here, in training mode: state after it, and each batch's loss and size."""
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
    after = net.state_dict()
    return {name: after[name].detach().double().numpy() for name in PARAMS + BUFFERS}, np.array(losses), np.array(sizes)


def compare(got, want, names, message):
    expect(all(name in got["state"] for name in names), "train_one_epoch changed the model's parameter names")
    for name in names:
        close(got["state"][name], want[name], message, rtol=1e-4, atol=1e-5)


def garbage_for(state, rng):
    return [(rng.standard_normal(state[name].shape) * 5).astype(np.float32) for name in PARAMS]


@graded("train_one_epoch", points=2)
def test_train_one_epoch_matches_a_zero_grad_backward_step_loop(sub, rng):
    for kind in ("ce", "mse"):
        state, x, y, batch_size, lr = random_case(rng, kind)
        got = sub.run(probe_epoch, state, x, y, batch_size, kind, lr, None, True)
        want, _, _ = reference(state, x, y, batch_size, kind, lr)
        compare(got, want, PARAMS, "after one epoch (SGD with momentum, several batches) the weights differ from a "
                "loop that clears the gradients, runs backward and steps once per batch")


@graded("train_one_epoch", points=1)
def test_train_one_epoch_ignores_stale_gradients(sub, rng):
    state, x, y, batch_size, lr = random_case(rng, "ce")
    got = sub.run(probe_epoch, state, x, y, batch_size, "ce", lr, garbage_for(state, rng), True)
    want, _, _ = reference(state, x, y, batch_size, "ce", lr)
    compare(got, want, PARAMS, "the model's parameters already held gradients from an earlier backward, and they "
            "leaked into the update: clear the gradients before each backward")


@graded("train_one_epoch", points=1)
def test_train_one_epoch_runs_in_training_mode(sub, rng):
    state, x, y, batch_size, lr = random_case(rng, "ce")
    got = sub.run(probe_epoch, state, x, y, batch_size, "ce", lr, None, False)
    want, _, _ = reference(state, x, y, batch_size, "ce", lr)
    compare(got, want, PARAMS + BUFFERS, "the model was given in eval mode and train_one_epoch trained it without "
            "switching to training mode (batch norm normalised with its running statistics)")


@graded("train_one_epoch", points=2)
def test_train_one_epoch_returns_mean_loss_per_sample(sub, rng):
    for kind in ("ce", "mse"):
        for _ in range(20):                          # a case where the two averages clearly differ
            state, x, y, batch_size, lr = random_case(rng, kind, short_last=True)
            want, losses, sizes = reference(state, x, y, batch_size, kind, lr)
            weighted = float((losses * sizes).sum() / sizes.sum())
            if abs(weighted - losses.mean()) > 1e-3 * abs(weighted):
                break
        got = sub.run(probe_epoch, state, x, y, batch_size, kind, lr, None, True)
        compare(got, want, PARAMS, "after one epoch the weights differ from a zero_grad/backward/step loop, so the "
                "loss it returns cannot count")
        expect(got["is_float"], "train_one_epoch should return a Python float (use loss.item())")
        close(got["value"], weighted, "the returned loss should be the mean over samples of the losses computed "
              "during the epoch (each batch's loss weighted by its size; the last batch is shorter)",
              rtol=1e-5, atol=1e-7)
