"""Hidden graders of accumulation_step: micro-batches of unequal size add up to one full-batch step."""
import numpy as np
import torch

from dlcourse.grading import close, expect, graded, probe


def build(state, task):
    """The grader's network, loss and optimizer; built in the probe and here."""
    from torch import nn

    h, d = state["0.weight"].shape
    k = state["2.weight"].shape[0]
    model = nn.Sequential(nn.Linear(d, h), nn.Tanh(), nn.Linear(h, k))
    model.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    loss_fn = nn.CrossEntropyLoss() if task == "classification" else nn.MSELoss()
    return model, loss_fn


def as_tensors(batch, task):
    x, y = batch                               # class labels (int64) or targets (float32)
    return torch.tensor(x), torch.tensor(y)


@probe(uses=[build, as_tensors])
def probe_accumulate(mod, state, task, batches, lr, stale):
    # One accumulation step with an SGD optimizer whose steps are counted.
    model, loss_fn = build(state, task)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    steps = []
    optimizer.register_step_post_hook(lambda opt, args, kwargs: steps.append(1))
    if stale is not None:                     # gradients left over from some earlier backward pass
        for p, g in zip(model.parameters(), stale):
            p.grad = torch.tensor(g)
    result = mod.accumulation_step(model, optimizer, loss_fn, [as_tensors(b, task) for b in batches])
    return {"weights": {name: p.detach().numpy().copy() for name, p in model.named_parameters()},
            "steps": len(steps), "loss_type": type(result).__name__,
            "loss": float(result) if isinstance(result, (int, float)) else None}


def random_case(rng, task=None):
    task = task or str(rng.choice(["classification", "regression"]))
    d, h, k = int(rng.integers(3, 8)), int(rng.integers(4, 10)), int(rng.integers(2, 5))
    state = {"0.weight": rng.standard_normal((h, d)).astype(np.float32) * 0.7,
             "0.bias": rng.standard_normal(h).astype(np.float32) * 0.3,
             "2.weight": rng.standard_normal((k, h)).astype(np.float32) * 0.7,
             "2.bias": rng.standard_normal(k).astype(np.float32) * 0.3}
    while True:                                # unequal sizes, clearly so
        sizes = [int(n) for n in rng.integers(1, 13, size=int(rng.integers(3, 5)))]
        if max(sizes) >= 2 * min(sizes) + 2:
            break
    batches = []
    for n in sizes:
        x = rng.standard_normal((n, d)).astype(np.float32)
        y = rng.integers(0, k, size=n).astype(np.int64) if task == "classification" else \
            rng.standard_normal((n, k)).astype(np.float32)
        batches.append((x, y))
    return state, task, batches, float(rng.uniform(0.1, 0.5))


def full_batch_step(state, task, batches, lr):
    """One SGD step on all micro-batches joined into one batch: the weights after it and the loss before it."""
    model, loss_fn = build(state, task)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    x = torch.tensor(np.concatenate([b[0] for b in batches]))
    y = torch.tensor(np.concatenate([b[1] for b in batches]))
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    return {name: p.detach().numpy().copy() for name, p in model.named_parameters()}, float(loss)


def compare(got, want, message):
    for name in want:
        close(got["weights"][name], want[name], f"{message} (parameter {name})", rtol=1e-4, atol=1e-5)


@graded("accumulation_step", points=2)
def test_accumulation_step_equals_full_batch_step(sub, rng):
    for task in rng.permutation(["classification", "regression"]):
        state, task, batches, lr = random_case(rng, str(task))
        got = sub.run(probe_accumulate, state, task, batches, lr, None)
        want, _ = full_batch_step(state, task, batches, lr)
        sizes = [len(b[0]) for b in batches]
        compare(got, want, f"after accumulation_step over micro-batches of sizes {sizes} the weights differ from one "
                "SGD step on the whole batch: weight each micro-batch's (mean) loss by its share of the samples")


@graded("accumulation_step", points=1)
def test_accumulation_step_steps_once(sub, rng):
    state, task, batches, lr = random_case(rng)
    got = sub.run(probe_accumulate, state, task, batches, lr, None)
    want, _ = full_batch_step(state, task, batches, lr)
    compare(got, want, "accumulation_step's update differs from one SGD step on the whole batch")
    expect(got["steps"] == 1, f"accumulation_step called optimizer.step() {got['steps']} times for "
                              f"{len(batches)} micro-batches: accumulate all the gradients, then step once")


@graded("accumulation_step", points=1)
def test_accumulation_step_starts_from_zero_gradients(sub, rng):
    state, task, batches, lr = random_case(rng)
    stale = [rng.standard_normal(value.shape).astype(np.float32) for value in state.values()]
    got = sub.run(probe_accumulate, state, task, batches, lr, stale)
    want, _ = full_batch_step(state, task, batches, lr)
    compare(got, want, "when the parameters already hold gradients from an earlier backward pass, "
            "accumulation_step's update differs from a full-batch step: clear the gradients first")


@graded("accumulation_step", points=1)
def test_accumulation_step_returns_full_batch_loss(sub, rng):
    state, task, batches, lr = random_case(rng)
    got = sub.run(probe_accumulate, state, task, batches, lr, None)
    _, loss = full_batch_step(state, task, batches, lr)
    expect(got["loss"] is not None, f"accumulation_step should return the loss as a Python float, got a {got['loss_type']}")
    close(got["loss"], loss, "accumulation_step's return value is not the loss of the whole batch (before the step)",
          rtol=1e-4, atol=1e-6)
