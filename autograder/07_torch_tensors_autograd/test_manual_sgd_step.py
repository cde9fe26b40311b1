"""Hidden graders of manual_sgd_step: equal to torch.optim.SGD, gradients cleared, parameters kept."""
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


@probe(uses=[requires_grad])
def probe_sgd(mod, state, batches, lr):
    # Rebuild the grader's network from its weights, take one manual step per batch; after each step
    # report the weights, the gradients left behind and whether each parameter is still the same leaf.
    from torch import nn

    d, h = state["0.weight"].shape[1], state["0.weight"].shape[0]
    net = nn.Sequential(nn.Linear(d, h), nn.Tanh(), nn.Linear(h, 1))
    net.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    before = [p for p in net.parameters()]
    after_each = []
    for x, y in batches:
        loss = ((net(torch.tensor(x)) - torch.tensor(y)) ** 2).mean()
        mod.manual_sgd_step(net, loss, lr)
        named = [(name, p) for name, p in net.named_parameters()]
        after_each.append({
            "weights": {name: p.detach().double().numpy().copy() for name, p in named},
            "grads": {name: None if p.grad is None else p.grad.detach().double().numpy().copy() for name, p in named},
            "leaves": [[p.is_leaf is True, requires_grad(p)] for _, p in named],
            "same_objects": [[a is b for a, b in zip([p for _, p in named], before)], len(named) == len(before)],
        })
    return after_each


def random_case(rng, steps):
    d, h = int(rng.integers(2, 6)), int(rng.integers(3, 9))
    state = {"0.weight": (rng.standard_normal((h, d)) * 0.7).astype(np.float32),
             "0.bias": (rng.standard_normal(h) * 0.3).astype(np.float32),
             "2.weight": (rng.standard_normal((1, h)) * 0.7).astype(np.float32),
             "2.bias": (rng.standard_normal(1) * 0.3).astype(np.float32)}
    batches = []
    for _ in range(steps):
        n = int(rng.integers(4, 12))
        batches.append((rng.standard_normal((n, d)).astype(np.float32), rng.standard_normal((n, 1)).astype(np.float32)))
    return state, batches, float(rng.uniform(0.05, 0.5))


def sgd_reference(state, batches, lr):
    """The same network trained here with torch.optim.SGD: the weights after each step."""
    d, h = state["0.weight"].shape[1], state["0.weight"].shape[0]
    net = nn.Sequential(nn.Linear(d, h), nn.Tanh(), nn.Linear(h, 1))
    net.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    out = []
    for x, y in batches:
        optimizer.zero_grad()
        ((net(torch.tensor(x)) - torch.tensor(y)) ** 2).mean().backward()
        optimizer.step()
        out.append({name: p.detach().numpy().copy() for name, p in net.named_parameters()})
    return out


def compare(got, want, message):
    expect(sorted(got) == sorted(want), "after manual_sgd_step the model's parameters have different names")
    for name in want:
        close(got[name], want[name], f"{message} (parameter {name})", rtol=1e-5, atol=1e-6)


@graded("manual_sgd_step", points=2)
def test_manual_sgd_step_one_step_matches_sgd(sub, rng):
    for _ in range(2):
        state, batches, lr = random_case(rng, 1)
        got = sub.run(probe_sgd, state, batches, lr)
        compare(got[0]["weights"], sgd_reference(state, batches, lr)[0],
                "after one step the weights differ from torch.optim.SGD's (p <- p - lr * p.grad)")


@graded("manual_sgd_step", points=1)
def test_manual_sgd_step_repeated_steps_match_sgd(sub, rng):
    state, batches, lr = random_case(rng, 4)
    got = sub.run(probe_sgd, state, batches, lr)
    want = sgd_reference(state, batches, lr)
    compare(got[0]["weights"], want[0], "after the first step the weights differ from torch.optim.SGD's")
    for step in range(1, len(want)):
        compare(got[step]["weights"], want[step],
                f"the first step matches torch.optim.SGD but step {step + 1} does not: each step must use "
                "only the gradient of its own loss")


def steps_match_sgd(got, want):
    """Every step's weights equal torch.optim.SGD's: the function must work before what it leaves behind counts."""
    expect(len(got) == len(want), "manual_sgd_step could not be checked over several steps")
    for step in range(len(want)):
        compare(got[step]["weights"], want[step], "the weights differ from torch.optim.SGD's (p <- p - lr * p.grad)")


@graded("manual_sgd_step", points=1)
def test_manual_sgd_step_clears_gradients(sub, rng):
    state, batches, lr = random_case(rng, 2)
    got = sub.run(probe_sgd, state, batches, lr)
    steps_match_sgd(got, sgd_reference(state, batches, lr))
    for step in got:
        left = [g for g in step["grads"].values() if g is not None and not (isinstance(g, np.ndarray) and not g.any())]
        expect(not left, "after manual_sgd_step the parameters still hold gradients; clear them (None or zero) "
                         "after the update")


@graded("manual_sgd_step", points=1)
def test_manual_sgd_step_parameters_stay_leaves(sub, rng):
    state, batches, lr = random_case(rng, 2)
    got = sub.run(probe_sgd, state, batches, lr)
    steps_match_sgd(got, sgd_reference(state, batches, lr))
    for step in got:
        expect(all(flags == [True, True] for flags in step["leaves"]),
               "after manual_sgd_step a parameter is no longer a leaf tensor that requires grad; "
               "update the parameters in place under torch.no_grad()")
        same, count = step["same_objects"]
        expect(count is True and all(flag is True for flag in same),
               "manual_sgd_step replaced the model's parameters with new objects; update the existing ones in place")
