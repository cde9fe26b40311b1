"""Visible checks of 08_torch_training: small fixed examples, run in your kernel.

The hidden graders test more behaviours, with fresh random inputs.
"""
import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from dlcourse.visible import Checks

checks = Checks()


@checks.of("MLP")
def _(MLP):
    torch.manual_seed(0)
    model = MLP(3, 8, 2)
    checks.expect(isinstance(model, nn.Module), "MLP(...) should be an nn.Module")
    out = model(torch.randn(5, 3))
    checks.expect(tuple(out.shape) == (5, 2), f"MLP(3, 8, 2) on a (5, 3) input should give (5, 2), got {tuple(out.shape)}")
    n = sum(p.numel() for p in model.parameters())
    checks.expect(n == 3 * 8 + 8 + 8 * 2 + 2, f"MLP(3, 8, 2) should have 3*8+8 + 8*2+2 = 50 parameters, got {n}")
    model = MLP(3, 64, 2, dropout=0.5)
    x = torch.randn(4, 3)
    model.eval()
    checks.expect(torch.equal(model(x), model(x)), "in eval mode two calls on the same input should give equal outputs")
    model.train()
    checks.expect(not torch.equal(model(x), model(x)), "with dropout=0.5 in training mode two calls should differ")


def _net(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2))


def _data():
    x = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5], [0.3, -0.7]])
    return x, torch.tensor([0, 1, 1, 0, 1])


@checks.of("train_one_epoch")
def _(train_one_epoch):
    x, y = _data()
    loader = DataLoader(TensorDataset(x, y), batch_size=2)          # batches of 2, 2 and 1
    net, ref = _net(), _net()
    losses, sizes = [], []
    opt = torch.optim.SGD(ref.parameters(), lr=0.5)
    for xb, yb in loader:
        opt.zero_grad()
        loss = nn.functional.cross_entropy(ref(xb), yb)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        sizes.append(len(xb))
    net.eval()
    got = train_one_epoch(net, loader, torch.optim.SGD(net.parameters(), lr=0.5), nn.CrossEntropyLoss())
    checks.expect(isinstance(got, float), f"train_one_epoch should return a Python float, got a {type(got).__name__}")
    want = sum(l * n for l, n in zip(losses, sizes)) / sum(sizes)
    checks.expect(math.isclose(got, want, rel_tol=1e-5),
                  f"the mean loss per sample should be {want:.6f} (batch losses weighted by batch size), got {got:.6f}")
    checks.expect(all(torch.allclose(a, b, atol=1e-6) for a, b in zip(net.parameters(), ref.parameters())),
                  "after one epoch the weights differ from a plain zero_grad/backward/step loop")
    checks.expect(net.training, "the model should be in training mode after train_one_epoch")


@checks.of("evaluate")
def _(evaluate):
    x, y = _data()
    net = _net()
    net.train()
    loss, acc = evaluate(net, DataLoader(TensorDataset(x, y), batch_size=2), nn.CrossEntropyLoss())
    with torch.no_grad():
        logits = net(x)
    want_loss = nn.functional.cross_entropy(logits, y).item()
    want_acc = (logits.argmax(1) == y).float().mean().item()
    checks.expect(isinstance(loss, float) and isinstance(acc, float), "evaluate should return two Python floats")
    checks.expect(math.isclose(loss, want_loss, rel_tol=1e-5), f"mean loss should be {want_loss:.6f}, got {loss:.6f}")
    checks.expect(math.isclose(acc, want_acc, rel_tol=1e-6), f"accuracy should be {want_acc:.2f}, got {acc}")
    checks.expect(not net.training, "evaluate should leave the model in eval mode")
    checks.expect(all(p.grad is None for p in net.parameters()), "evaluate should not compute gradients")


@checks.of("fit")
def _(fit):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(64, 2, generator=g)
    y = (x[:, 0] > 0).long()
    loader = DataLoader(TensorDataset(x, y), batch_size=16)
    net = _net()
    history = fit(net, loader, loader, epochs=3, lr=0.01, patience=5)
    checks.expect(isinstance(history, list) and len(history) == 3, f"3 epochs should give 3 history rows, got {history!r}")
    keys = {"epoch", "train_loss", "val_loss", "val_acc"}
    checks.expect(all(isinstance(r, dict) and set(r) >= keys for r in history), f"every row should have the keys {sorted(keys)}")
    checks.expect(history[-1]["val_loss"] < history[0]["val_loss"], "on this easy problem the validation loss should fall")
    checks.expect(0.0 <= history[-1]["val_acc"] <= 1.0, "val_acc should be a fraction in [0, 1]")
    wrong = DataLoader(TensorDataset(x, 1 - y), batch_size=16)     # labels flipped: val loss only rises
    net = _net()
    before = [p.detach().clone() for p in net.parameters()]
    history = fit(net, loader, wrong, epochs=20, lr=0.05, patience=2)
    checks.expect(len(history) == 3, f"validation loss rising from epoch 1 with patience=2 should stop after 3 "
                                     f"epochs, got {len(history)}")
    changed = any(not torch.equal(a, b) for a, b in zip(before, net.parameters()))
    checks.expect(changed, "the weights should be those after the best epoch (epoch 1), not the initial ones")


@checks.of("QuantileLoss")
def _(QuantileLoss):
    pred = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    target = torch.tensor([2.0, 2.0, 1.0])
    loss = QuantileLoss(0.9)(pred, target)              # errors 1, 0, -2: 0.9*1, 0, 0.1*2
    checks.expect(torch.is_tensor(loss) and loss.dim() == 0, "QuantileLoss should return a scalar tensor")
    checks.expect(math.isclose(loss.item(), (0.9 + 0.0 + 0.2) / 3, rel_tol=1e-6),
                  f"QuantileLoss(0.9) of pred [1, 2, 3], target [2, 2, 1] should be {(0.9 + 0.2) / 3:.6f}, got {loss.item():.6f}")
    loss.backward()
    checks.expect(pred.grad is not None and math.isclose(pred.grad[0].item(), -0.3, rel_tol=1e-6),
                  "the gradient for an under-prediction should be -q/N = -0.3")


@checks.of("FocalLoss")
def _(FocalLoss):
    logits = torch.tensor([[2.0, 0.0], [0.0, 0.0]])
    target = torch.tensor([0, 1])
    pt = torch.tensor([1 / (1 + math.exp(-2.0)), 0.5])
    want = -((1 - pt) ** 2) * torch.log(pt)
    got = FocalLoss(reduction="none")(logits, target)
    checks.expect(torch.allclose(got, want, atol=1e-6), f"per-sample focal loss (gamma=2) should be {want.tolist()}, got {got.tolist()}")
    checks.expect(math.isclose(FocalLoss()(logits, target).item(), want.mean().item(), rel_tol=1e-5), "default reduction is the mean")
    checks.expect(math.isclose(FocalLoss(0.0, "sum")(logits, target).item(),
                               nn.functional.cross_entropy(logits, target, reduction="sum").item(), rel_tol=1e-5),
                  "with gamma=0 and reduction='sum' it should equal the summed cross-entropy")
    try:
        FocalLoss(reduction="avg")(logits, target)
        raised = False
    except ValueError:
        raised = True
    checks.expect(raised, "an unknown reduction such as 'avg' should raise ValueError")


check = checks.check
needs = checks.needs
