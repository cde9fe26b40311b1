"""Hidden graders of train_worker: DDP training in 2 processes ends, on every rank, where one process
training on the combined batches ends, and leaves no process group behind.

The grader's build_model (given to the learner's module in each rank's process) adds a secret drawn after
the fork to the notebook's initial weights, different on every rank (ranks.py). DDP broadcasts rank 0's
weights when it wraps the model, so every rank must end where one process ends that starts from rank 0's
weights: no rank can get there without receiving them from rank 0.
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

# The notebook's fixed helpers (CURRICULUM, Precisions of 11), repeated here: the reference is computed in this process.
LR, BATCH_PER_RANK = 0.1, 8
KEYS = ["0.weight", "0.bias", "2.weight", "2.bias"]


def build_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 1))


def global_batch(step, world_size):
    g = torch.Generator().manual_seed(1000 + step)
    x = torch.randn(BATCH_PER_RANK * world_size, 5, generator=g)
    return x, x.sum(dim=1, keepdim=True).sin()


def single_process(steps, world_size, init):
    """One process trains build_model() plus `init` (rank 0's secret) on global_batch: its final weights."""
    model = build_model()
    with torch.no_grad():
        for p, v in zip(model.parameters(), init):
            p += torch.tensor(v, dtype=torch.float32).reshape(p.shape)
    for step in range(steps):  # plain SGD, written out (torch.optim would import torch._dynamo here, ~3 s)
        x, y = global_batch(step, world_size)
        model.zero_grad()
        nn.MSELoss()(model(x), y).backward()
        with torch.no_grad():
            for p in model.parameters():
                p.add_(p.grad, alpha=-LR)
    return {k: v.detach().numpy() for k, v in model.state_dict().items()}


def train_body(mod, rank, world_size, port, folder, steps, out_dir):
    # In rank `rank`'s process: the learner's whole train_worker, with the grader's build_model.
    import os

    from torch import nn

    d, load = own_dist(), torch.load
    shapes = [(16, 5), (16,), (1, 16), (1,)]
    init = [secret(int(np.prod(s)), 0.2) for s in shapes]

    def build_model():  # the notebook's model, moved by this rank's secret
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 1))
        with torch.no_grad():
            for p, v in zip(model.parameters(), init):
                p += torch.tensor(v, dtype=torch.float32).reshape(p.shape)
        return model

    mod.build_model = build_model
    mod.train_worker(rank, world_size, port, steps, out_dir)
    out = {"init": init, "left": bool(d["is_initialized"]())}
    if rank == 0:  # rank 0's store served `port`; it closes with the group (once the learner's DDP model is freed)
        import gc

        gc.collect()
        out["store_open"] = listens(port)
    if not out["left"]:  # room for a new group: it must sum secrets drawn now
        out["mine"] = secret(2)
        own_group(d, rank, world_size, port, where=f"{folder}/store")
        t = torch.tensor(out["mine"], dtype=torch.float64)
        d["all_reduce"](t)
        out["again"] = t.numpy()
        d["destroy_process_group"]()
    path = os.path.join(out_dir, f"rank{rank}.pt")
    if not os.path.exists(path):
        out["saved"] = None
        return out
    state = load(path, weights_only=True)
    if not isinstance(state, dict):
        out["saved"] = {"kind": "other"}
        return out
    out["saved"] = {"kind": "dict", "state": {str(k): v.detach().cpu().numpy() for k, v in state.items()
                                              if isinstance(v, torch.Tensor)}}
    return out


@probe(uses=[ranks.run_ranks, ranks.secret, ranks.own_dist, ranks.Tampered, ranks.own_group, ranks.listens,
             train_body])
def probe_train(mod, steps):
    import tempfile

    return run_ranks(mod, train_body, 2, (steps, tempfile.mkdtemp()))


def run(sub, rng):
    """The number of steps and each rank's report, after checking that both saved a plain state dict.
    One run of train_worker per grading serves the three tests (ranks.shared)."""
    steps = int(rng.integers(2, 8))
    steps, got = ranks.shared(sub, "train_worker", lambda: (steps, ranks.values_of(
        sub.run(probe_train, steps), f"train_worker in 2 processes ({steps} steps)")))
    shapes = [tuple(v.shape) for v in build_model().state_dict().values()]
    for rank, r in enumerate(got):
        expect(isinstance(r.get("init"), list) and [len(v) for v in r["init"]] == [int(np.prod(s)) for s in shapes],
               f"train_worker: the process of rank {rank} did not report")
        s = r["saved"]
        expect(s is not None, f"train_worker saved no file rank{rank}.pt in out_dir for rank {rank}")
        expect(s["kind"] == "dict", f"rank{rank}.pt holds something else than a state dict")
        expect(sorted(s["state"]) == sorted(KEYS),
               f"rank{rank}.pt does not have the plain model's keys {KEYS} "
               "(save the wrapped module's state dict, without the 'module.' prefix)")
    return steps, got


def matches_single_process(got, steps):
    want = single_process(steps, 2, got[0]["init"])
    for rank, r in enumerate(got):
        for key, value in want.items():
            close(r["saved"]["state"][key], value,
                  f"after {steps} steps rank {rank}'s '{key}' differs from one process training build_model() "
                  "on the combined batches global_batch(step, 2)", rtol=1e-4, atol=1e-5)


@graded("train_worker", points=1)
def test_train_worker_ranks_end_identical(sub, rng):
    steps, got = run(sub, rng)
    states = [r["saved"]["state"] for r in got]
    for key, value in states[0].items():
        close(states[1][key], value, f"after {steps} steps the ranks' '{key}' differ: every rank should end with "
                                     "the same parameters", rtol=1e-6, atol=1e-7)
    # identical, and from rank 0's start: ranks that never talk can agree too, but cannot know rank 0's weights
    want = single_process(steps, 2, got[0]["init"])
    for key, value in want.items():
        close(states[0][key], value, "the ranks agree but do not start from rank 0's weights: wrap build_model() "
                                     "in DDP, which copies rank 0's weights to every rank", rtol=0.0, atol=0.05)


@graded("train_worker", points=2)
def test_train_worker_matches_single_process_training(sub, rng):
    steps, got = run(sub, rng)
    matches_single_process(got, steps)


@graded("train_worker", points=1)
def test_train_worker_destroys_the_process_group(sub, rng):
    steps, got = run(sub, rng)
    matches_single_process(got, steps)  # first the job; then what it leaves behind
    for rank, r in enumerate(got):
        expect(not r["left"], f"when train_worker returns, rank {rank}'s process group is still initialized: "
                              "destroy it at the end (cleanup)")
    expect(got[0].get("store_open") is False,
           "when train_worker returns, the group's rendezvous store still serves its port: destroy the group")
    total = np.sum([r["mine"] for r in got], axis=0)
    for r in got:
        close(r["again"], total, "after train_worker a new process group could not be made and used")
