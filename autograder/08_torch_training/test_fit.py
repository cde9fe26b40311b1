"""Hidden graders of fit: Adam + cross-entropy, history rows, early stopping, best weights restored."""
import contextlib
import copy

import numpy as np
import torch
from torch import nn

from dlcourse.grading import close, expect, graded, probe

KEYS = ("epoch", "train_loss", "val_loss", "val_acc")


def build(state):
    """Linear (no bias: batch norm cancels it) -> BatchNorm1d -> ReLU -> Linear, from the grader's weights."""
    from torch import nn

    d, h, k = state["0.weight"].shape[1], state["0.weight"].shape[0], state["3.weight"].shape[0]
    net = nn.Sequential(nn.Linear(d, h, bias=False), nn.BatchNorm1d(h), nn.ReLU(), nn.Linear(h, k))
    net.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    return net


def loaders(case):
    from torch.utils.data import DataLoader, TensorDataset

    def loader(x, y):
        return DataLoader(TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=case["batch_size"], shuffle=False)
    return loader(case["x_train"], case["y_train"]), loader(case["x_val"], case["y_val"])


@probe(uses=[build, loaders])
def probe_fit(mod, case, epochs, lr, patience):
    net = build(case["state"])
    train_loader, val_loader = loaders(case)
    history = mod.fit(net, train_loader, val_loader, epochs, lr, patience)
    out = {"kind": type(history).__name__, "rows": None,
           "weights": {name: p.detach().numpy().copy() for name, p in net.named_parameters()}}
    if isinstance(history, (list, tuple)):
        rows = []
        for row in history:
            if not isinstance(row, dict):
                rows.append({"_kind": type(row).__name__})
                continue
            plain = {}
            for key, value in row.items():
                if torch.is_tensor(value) and value.numel() == 1:
                    value = value.item()
                plain[str(key)] = float(value) if isinstance(value, (int, float)) else None
            rows.append(plain)
        out["rows"] = rows
    return out


def random_case(rng, drift):
    """Two-class data; the validation labels follow a direction turned by `drift` radians from the training one."""
    d, h = int(rng.integers(3, 7)), int(rng.integers(6, 13))
    batch_size = int(rng.integers(8, 17))
    n_train, n_val = batch_size * int(rng.integers(3, 6)), batch_size * int(rng.integers(2, 5))
    w = rng.standard_normal(d)
    w /= np.linalg.norm(w)
    other = rng.standard_normal(d)
    other -= other @ w * w
    other /= np.linalg.norm(other)
    w_val = np.cos(drift) * w + np.sin(drift) * other
    x_train = rng.standard_normal((n_train, d)).astype(np.float32)
    x_val = rng.standard_normal((n_val, d)).astype(np.float32)
    state = {"0.weight": (rng.standard_normal((h, d)) / np.sqrt(d)).astype(np.float32),
             "1.weight": np.ones(h, np.float32), "1.bias": np.zeros(h, np.float32),
             "1.running_mean": np.zeros(h, np.float32), "1.running_var": np.ones(h, np.float32),
             "1.num_batches_tracked": np.array(0, dtype=np.int64),
             "3.weight": (rng.standard_normal((2, h)) / np.sqrt(h)).astype(np.float32),
             "3.bias": np.zeros(2, np.float32)}
    return {"state": state, "batch_size": batch_size,
            "x_train": x_train, "y_train": (x_train @ w > 0).astype(np.int64),
            "x_val": x_val, "y_val": (x_val @ w_val > 0).astype(np.int64)}


@contextlib.contextmanager
def one_thread():
    """The reference runs are tiny: one thread is faster, and on a busy machine far faster, than two."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def reference(case, epochs, lr, patience):
    """fit done here: per epoch the running train loss, train loss after the epoch, val loss and accuracy."""
    with one_thread():
        return _reference(case, epochs, lr, patience)


def _reference(case, epochs, lr, patience):
    net = build(case["state"])
    train_loader, val_loader = loaders(case)
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()

    def measure(loader):
        net.eval()
        with torch.no_grad():
            pairs = [(loss_fn(net(x), y).item() * len(x), (net(x).argmax(1) == y).sum().item(), len(x)) for x, y in loader]
        n = sum(p[2] for p in pairs)
        return sum(p[0] for p in pairs) / n, sum(p[1] for p in pairs) / n

    rows, snapshots, best, waited = [], [], np.inf, 0
    for epoch in range(epochs):
        net.train()
        total, count = 0.0, 0
        for x, y in train_loader:
            optimizer.zero_grad()
            loss = loss_fn(net(x), y)
            loss.backward()
            optimizer.step()
            total, count = total + loss.item() * len(x), count + len(x)
        after, _ = measure(train_loader)
        val_loss, val_acc = measure(val_loader)
        rows.append({"train_running": total / count, "train_after": after, "val_loss": val_loss, "val_acc": val_acc})
        snapshots.append({name: p.detach().numpy().copy() for name, p in net.named_parameters()})
        if val_loss < best:
            best, waited = val_loss, 0
        else:
            waited += 1
            if waited >= patience:
                break
    return rows, snapshots


def clear(values, rel=2e-3):
    """No two validation losses so close that float noise could change which is lower."""
    v = np.sort(np.asarray(values))
    return bool(np.all(np.diff(v) > rel * v[1:]))


def u_shaped(rng, patience, stops):
    """A case whose validation loss falls, then rises: early stopping (or not, if `stops` is False) after a best epoch > 1."""
    for _ in range(200):
        case = random_case(rng, drift=float(rng.uniform(0.7, 1.1)))
        lr = float(rng.uniform(0.02, 0.05))
        epochs = 25
        rows, snapshots = reference(case, epochs, lr, patience)
        losses = [r["val_loss"] for r in rows]
        best = int(np.argmin(losses))
        stopped = len(rows) < epochs
        if not stops:
            # run only up to a few epochs past the best, fewer than patience: no stop, best not last
            epochs = best + 1 + int(rng.integers(1, patience))
            rows, snapshots = rows[:epochs], snapshots[:epochs]
            if best >= 1 and len(rows) == epochs and clear([r["val_loss"] for r in rows]):
                return case, epochs, lr, rows, snapshots, best
        elif stopped and best >= 1 and clear(losses):
            return case, epochs, lr, rows, snapshots, best
    raise RuntimeError("no suitable case found")


def check_rows(got, n):
    expect(got["rows"] is not None, "fit should return a list of history rows (one dict per epoch)")
    rows = got["rows"]
    expect(all("_kind" not in row for row in rows), "every history row should be a dict")
    for key in KEYS:
        expect(all(key in row for row in rows), f"a history row has no key {key!r}; rows need {list(KEYS)}")
        expect(all(row[key] is not None for row in rows), f"history values of {key!r} should be numbers")
    expect(len(rows) == n, "fit should return one history row per epoch that ran")
    epochs = [row["epoch"] for row in rows]
    expect(epochs == list(range(1, n + 1)) or epochs == list(range(n)),
           "the 'epoch' values should count the epochs in order (1, 2, 3, ...)")
    return rows


@graded("fit", points=2)
def test_fit_history_follows_adam_training(sub, rng):
    case = random_case(rng, drift=0.0)
    epochs, lr = int(rng.integers(3, 6)), float(rng.uniform(0.005, 0.02))
    want, _ = reference(case, epochs, lr, patience=epochs + 1)
    got = sub.run(probe_fit, case, epochs, lr, epochs + 1)
    rows = check_rows(got, epochs)
    close([r["val_loss"] for r in rows], [r["val_loss"] for r in want],
          "the history's val_loss values differ from training with torch.optim.Adam(model.parameters(), lr=lr) "
          "and nn.CrossEntropyLoss, evaluated on the validation loader after each epoch", rtol=1e-3, atol=1e-5)
    close([r["val_acc"] for r in rows], [r["val_acc"] for r in want],
          "the history's val_acc values are wrong (a fraction in [0, 1] after each epoch)", rtol=1e-6, atol=1e-6)
    train = [r["train_loss"] for r in rows]
    ok = any(np.allclose(train, [r[key] for r in want], rtol=1e-3, atol=1e-5) for key in ("train_running", "train_after"))
    expect(ok, "the history's train_loss values are wrong: they should be each epoch's mean training loss")


@graded("fit", points=2)
def test_fit_stops_early_with_patience(sub, rng):
    for patience in (int(rng.integers(1, 3)), int(rng.integers(3, 5))):
        case, epochs, lr, want, _, best = u_shaped(rng, patience, stops=True)
        got = sub.run(probe_fit, case, epochs, lr, patience)
        expect(got["rows"] is not None, "fit should return a list of history rows (one dict per epoch)")
        n = len(got["rows"])
        rows = check_rows(got, n)
        m = min(n, len(want))                 # the epochs both ran: a history that is not real training earns nothing
        close([r["val_loss"] for r in rows[:m]], [r["val_loss"] for r in want[:m]],
              "the history's val_loss values differ from training with torch.optim.Adam and nn.CrossEntropyLoss, "
              "so when fit stops cannot count", rtol=1e-3, atol=1e-5)
        expect(n >= best + 1 + patience, "fit stopped too early: it should stop only once the validation loss has not "
                                         "improved for `patience` epochs in a row")
        expect(n <= best + 1 + patience, "fit ran on after the validation loss had not improved for `patience` epochs "
                                         "in a row: it should stop there")


@graded("fit", points=2)
def test_fit_restores_the_best_weights(sub, rng):
    for stops in (True, False):
        patience = int(rng.integers(2, 5))
        case, epochs, lr, want, snapshots, best = u_shaped(rng, patience, stops=stops)
        got = sub.run(probe_fit, case, epochs, lr, patience)
        how = "it stopped early" if stops else "it ran all its epochs"
        expect(sorted(got["weights"]) == sorted(snapshots[best]), "fit changed the model's parameter names")
        for name, value in snapshots[best].items():
            close(got["weights"][name], value,
                  f"after fit ({how}), the model's weights are not those of the epoch with the lowest validation "
                  "loss: keep a copy of the best weights and load them back before returning", rtol=1e-3, atol=1e-5)
