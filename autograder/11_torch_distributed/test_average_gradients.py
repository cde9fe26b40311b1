"""Hidden graders of average_gradients: every gradient becomes the mean over the ranks, as DDP makes it.

Each rank's gradients carry a secret drawn after the fork (ranks.py), so the mean can only be right if the
ranks really exchanged them: the inputs in the probe's frames are not enough to compute it.
"""
import importlib.util
from pathlib import Path

import numpy as np
import torch
from torch import nn

from dlcourse.grading import close, expect, graded, probe

_spec = importlib.util.spec_from_file_location("ranks_of_11", Path(__file__).with_name("ranks.py"))
ranks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ranks)


def local_gradients(seed, hidden, x, y):
    """A small network with weights from `seed`, its MSE gradients on (x, y): the model and its parameters' grads."""
    from torch import nn

    torch.manual_seed(seed)
    layers = [nn.Linear(len(x[0]), hidden[0])]
    for a, b in zip(hidden, hidden[1:] + [1]):
        layers += [nn.Tanh(), nn.Linear(a, b)]
    model = nn.Sequential(*layers).double()
    loss = nn.functional.mse_loss(model(torch.tensor(x, dtype=torch.float64)), torch.tensor(y, dtype=torch.float64))
    loss.backward()
    return model


def average_body(mod, rank, world_size, port, folder, seed, hidden, xs, ys):
    # In rank `rank`'s process: its own data's gradients plus a secret of its own, then the learner's average_gradients.
    d = own_dist()
    own_group(d, rank, world_size, port)
    model = local_gradients(seed, hidden, xs[rank], ys[rank])
    noise = [secret(p.numel()) for p in model.parameters()]
    with torch.no_grad():
        for p, n in zip(model.parameters(), noise):
            p.grad += torch.tensor(n, dtype=torch.float64).reshape(p.shape)
    before = [p.detach().clone() for p in model.parameters()]
    mod.average_gradients(model)
    out = {"noise": noise, "grads": [None if p.grad is None else p.grad.detach().numpy() for p in model.parameters()],
           "moved": any(not torch.equal(a, p.detach()) for a, p in zip(before, model.parameters()))}
    d["destroy_process_group"]()
    return out


@probe(uses=[ranks.run_ranks, ranks.secret, ranks.own_dist, ranks.Tampered, ranks.own_group, local_gradients,
             average_body])
def probe_average(mod, seed, hidden, xs, ys):
    return run_ranks(mod, average_body, len(xs), (seed, hidden, xs, ys))


def check(sub, rng, world_size, what):
    seed, hidden = int(rng.integers(0, 10_000)), [int(h) for h in rng.integers(2, 6, size=int(rng.integers(1, 3)))]
    d, n = int(rng.integers(2, 5)), int(rng.integers(3, 7))
    xs = rng.standard_normal((world_size, n, d)).tolist()
    ys = rng.standard_normal((world_size, n, 1)).tolist()
    got = ranks.values_of(sub.run(probe_average, seed, hidden, xs, ys), what)
    models = [local_gradients(seed, hidden, x, y) for x, y in zip(xs, ys)]
    shapes = [tuple(p.shape) for p in models[0].parameters()]
    for r in got:
        expect(isinstance(r.get("noise"), list) and [len(v) for v in r["noise"]] == [int(np.prod(s)) for s in shapes],
               f"{what}: a rank's process did not report")
    # what each rank contributed: its gradient plus its secret; the mean over ranks is computed here
    per_rank = [[p.grad.numpy() + np.reshape(v, s) for p, v, s in zip(m.parameters(), r["noise"], shapes)]
                for m, r in zip(models, got)]
    mean = [np.mean([g[i] for g in per_rank], axis=0) for i in range(len(shapes))]
    for rank, r in enumerate(got):
        expect(not r["moved"], "average_gradients changed the parameters: it should only change their gradients")
        expect(len(r["grads"]) == len(shapes) and all(g is not None for g in r["grads"]),
               "after average_gradients a parameter has no gradient")
        for g, want in zip(r["grads"], mean):
            close(g, want, f"after average_gradients in a group of {world_size}, a gradient on rank {rank} is not "
                           f"the mean of the {world_size} ranks' gradients", rtol=1e-7, atol=1e-10)


@graded("average_gradients", points=2)
def test_average_gradients_is_the_mean_over_two_ranks(sub, rng):
    check(sub, rng, 2, "average_gradients in 2 processes")


@graded("average_gradients", points=1)
def test_average_gradients_divides_by_the_group_size(sub, rng):
    check(sub, rng, 3, "average_gradients in 3 processes")
