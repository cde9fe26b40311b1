"""Hidden graders of evaluate: eval mode, no autograd, loss and accuracy over samples."""
import numpy as np
import torch
from torch import nn

from dlcourse.grading import close, expect, graded, probe


def requires_grad(t):
    """t.requires_grad read through torch's own C descriptor (a property patched onto torch.Tensor cannot fake it)."""
    for klass in t.__class__.__mro__:
        found = klass.__dict__.get("requires_grad")
        if found is not None and found.__class__.__name__ == "getset_descriptor":
            return found.__get__(t) is True
    return None


def build(state, record=None):
    """Linear -> BatchNorm1d -> spy -> ReLU -> Dropout(0.5) -> Linear. The spy (only in the sandbox; nn.Identity
    here) appends, for each forward pass, its mode and its input to `record`, a list held only by the probe (not an
    attribute of any module); its class gets a fresh random name per run."""
    from torch import nn

    if record is None:
        spy = nn.Identity()
    else:
        name, seen = record

        def spy_forward(self, v):
            seen.append((self.training is True, v))
            return v

        spy = type(name, (nn.Module,), {"forward": spy_forward})()
    d, h, k = state["0.weight"].shape[1], state["0.weight"].shape[0], state["5.weight"].shape[0]
    net = nn.Sequential(nn.Linear(d, h), nn.BatchNorm1d(h), spy, nn.ReLU(), nn.Dropout(0.5), nn.Linear(h, k))
    net.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    return net


@probe(uses=[requires_grad, build])
def probe_evaluate(mod, state, x, y, batch_size, tag):
    from torch.utils.data import DataLoader, TensorDataset

    torch.set_grad_enabled(True)                          # whatever an earlier call left switched off
    seen = []
    net = build(state, (tag.capitalize(), seen))
    net.train()                                           # left in training mode by an earlier epoch
    loader = DataLoader(TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=batch_size, shuffle=False)
    result = mod.evaluate(net, loader, torch.nn.CrossEntropyLoss())
    after = net[0].weight * 1.0                           # carries a graph only if recording is back on
    out = {"n": len(result) if isinstance(result, (tuple, list)) else None,
           # what the spy saw, judged after the call: each input tensor's own requires_grad (C descriptor), not a flag
           "seen": [[training, requires_grad(v), v.grad_fn is not None] for training, v in seen],
           "recording_after": requires_grad(after),
           "grads_none": [p.grad is None for p in net.parameters()],
           "params_trainable": [requires_grad(p) for p in net.parameters()],
           "running_mean": net[1].running_mean.detach().double().numpy().copy(),
           "running_var": net[1].running_var.detach().double().numpy().copy(),
           "weights": {name: p.detach().double().numpy().copy() for name, p in net.named_parameters()}}
    if out["n"] == 2:
        values = []
        for v in result:
            if torch.is_tensor(v) and v.numel() == 1:
                values.append({"float": False, "value": float(v.detach())})
            elif isinstance(v, (int, float)):
                values.append({"float": isinstance(v, float), "value": float(v)})
            else:
                values.append({"float": False, "value": None})
        out["values"] = values
    return out


def random_case(rng):
    d, h, k = int(rng.integers(2, 7)), int(rng.integers(4, 10)), int(rng.integers(2, 5))
    state = {"0.weight": rng.standard_normal((h, d)).astype(np.float32),
             "0.bias": rng.standard_normal(h).astype(np.float32),
             "1.weight": rng.uniform(0.5, 2.0, h).astype(np.float32),
             "1.bias": rng.standard_normal(h).astype(np.float32),
             "1.running_mean": rng.standard_normal(h).astype(np.float32),
             "1.running_var": rng.uniform(0.5, 3.0, h).astype(np.float32),
             "1.num_batches_tracked": np.array(int(rng.integers(1, 100)), dtype=np.int64),
             "5.weight": rng.standard_normal((k, h)).astype(np.float32),
             "5.bias": rng.standard_normal(k).astype(np.float32)}
    batch_size = int(rng.integers(4, 9))
    n = batch_size * int(rng.integers(2, 5)) + int(rng.integers(1, 3))      # a short last batch
    x = rng.standard_normal((n, d)).astype(np.float32)
    logits = reference_logits(state, x)
    y = logits.argmax(1)
    flip = rng.random(n) < 0.4                                               # some labels wrong
    y[flip] = rng.integers(0, k, size=int(flip.sum()))
    return state, x, y.astype(np.int64), batch_size


def reference_logits(state, x):
    net = build(state)
    net.eval()
    with torch.no_grad():
        return net(torch.tensor(x)).numpy()


def expected(state, x, y, batch_size):
    """Per-sample mean loss and accuracy, and the per-batch averages a wrong evaluate would give."""
    logits = torch.tensor(reference_logits(state, x))
    losses = nn.functional.cross_entropy(logits, torch.tensor(y), reduction="none").numpy()
    correct = (logits.argmax(1).numpy() == y).astype(np.float64)
    starts = range(0, len(y), batch_size)
    batch_loss = np.mean([losses[s:s + batch_size].mean() for s in starts])
    batch_acc = np.mean([correct[s:s + batch_size].mean() for s in starts])
    return float(losses.mean()), float(correct.mean()), float(batch_loss), float(batch_acc)


def tag(rng):
    """A fresh name for the probe's spy, per run."""
    return "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=12))


def well_formed(got):
    expect(got["n"] == 2, "evaluate should return a pair (mean_loss, accuracy)")
    for (which, v) in zip(("mean loss", "accuracy"), got["values"]):
        expect(v["value"] is not None, f"evaluate's {which} should be a number")


def values_right(got, loss, acc):
    well_formed(got)
    (got_loss, got_acc) = (v["value"] for v in got["values"])
    close(got_loss, loss, "evaluate's mean loss is wrong: it should be the mean over all samples in eval mode "
          "(each batch's loss weighted by its size; the last batch is shorter)", rtol=1e-4, atol=1e-6)
    close(got_acc, acc, "evaluate's accuracy is wrong: it should be the fraction (in [0, 1]) of all samples "
          "whose largest logit is at the label, counted over all batches", rtol=1e-6, atol=1e-9)


@graded("evaluate", points=2)
def test_evaluate_loss_and_accuracy_per_sample(sub, rng):
    for _ in range(2):
        for _ in range(30):
            state, x, y, batch_size = random_case(rng)
            loss, acc, batch_loss, batch_acc = expected(state, x, y, batch_size)
            if abs(loss - batch_loss) > 1e-3 * loss and abs(acc - batch_acc) > 1e-3:
                break
        got = sub.run(probe_evaluate, state, x, y, batch_size, tag(rng))
        values_right(got, loss, acc)
        expect(all(v["float"] is True for v in got["values"]), "evaluate should return Python floats (use .item())")


@graded("evaluate", points=1)
def test_evaluate_runs_in_eval_mode(sub, rng):
    state, x, y, batch_size = random_case(rng)
    got = sub.run(probe_evaluate, state, x, y, batch_size, tag(rng))
    values_right(got, *expected(state, x, y, batch_size)[:2])          # doing nothing earns nothing
    expect(len(got["seen"]) > 0 and all(training is False for training, _, _ in got["seen"]),
           "the model was given in training mode and evaluate ran it without switching to eval mode")
    close(got["running_mean"], state["1.running_mean"], "evaluate changed batch norm's running statistics "
          "(the forward passes ran in training mode)", rtol=0, atol=0)
    close(got["running_var"], state["1.running_var"], "evaluate changed batch norm's running statistics "
          "(the forward passes ran in training mode)", rtol=0, atol=0)
    expect(sorted(got["weights"]) == sorted(n for n in state if not n.startswith("1.running") and "num_batches" not in n),
           "evaluate changed the model's parameters")
    for name, value in got["weights"].items():
        close(value, state[name], "evaluate changed the model's parameters", rtol=0, atol=0)


@graded("evaluate", points=1)
def test_evaluate_runs_without_autograd(sub, rng):
    state, x, y, batch_size = random_case(rng)
    got = sub.run(probe_evaluate, state, x, y, batch_size, tag(rng))
    values_right(got, *expected(state, x, y, batch_size)[:2])          # doing nothing earns nothing
    expect(len(got["seen"]) > 0, "evaluate never called the model")
    expect(all(recording is False and graph is False for _, recording, graph in got["seen"]),
           "evaluate ran the model with gradient recording on: use torch.no_grad()")
    expect(all(flag is True for flag in got["grads_none"]), "evaluate left gradients on the model's parameters")
    expect(got["recording_after"] is True, "after evaluate, gradient recording is still off: it must be back on "
                                           "(use torch.no_grad() as a with block)")
    expect(all(flag is True for flag in got["params_trainable"]),
           "after evaluate some parameters no longer require grad: switch autograd off with torch.no_grad(), "
           "not by freezing the model")
