"""Hidden graders of train_worker: DDP training in 2 processes ends, on every rank, where one process
training on the combined batches ends."""
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


def build_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 1))


def global_batch(step, world_size):
    g = torch.Generator().manual_seed(1000 + step)
    x = torch.randn(BATCH_PER_RANK * world_size, 5, generator=g)
    return x, x.sum(dim=1, keepdim=True).sin()


def single_process(steps, world_size):
    model = build_model()
    for step in range(steps):  # plain SGD, written out (torch.optim would import torch._dynamo here, ~3 s)
        x, y = global_batch(step, world_size)
        model.zero_grad()
        nn.MSELoss()(model(x), y).backward()
        with torch.no_grad():
            for p in model.parameters():
                p.add_(p.grad, alpha=-LR)
    return {k: v.detach().numpy() for k, v in model.state_dict().items()}


def train_body(mod, rank, world_size, port, folder, steps, out_dir):
    # In rank `rank`'s process: the learner's whole train_worker.
    mod.train_worker(rank, world_size, port, steps, out_dir)
    return True


@probe(uses=[ranks.run_ranks, train_body])
def probe_train(mod, steps):
    import os
    import tempfile

    out_dir = tempfile.mkdtemp()
    got = run_ranks(mod, train_body, 2, (steps, out_dir))
    if got["status"] != "ok":
        return got
    saved = []
    for rank in range(2):
        path = os.path.join(out_dir, f"rank{rank}.pt")
        if not os.path.exists(path):
            saved.append(None)
            continue
        state = torch.load(path, weights_only=True)
        if not isinstance(state, dict):
            saved.append({"kind": type(state).__name__})
            continue
        saved.append({"kind": "dict", "state": {str(k): v.detach().cpu().numpy() for k, v in state.items()
                                                if isinstance(v, torch.Tensor)}})
    return {"status": "ok", "values": saved}


def saved_states(sub, steps):
    got = ranks.values_of(sub.run(probe_train, steps), f"train_worker in 2 processes ({steps} steps)")
    keys = sorted(build_model().state_dict())
    for rank, s in enumerate(got):
        expect(s is not None, f"train_worker saved no file rank{rank}.pt in out_dir for rank {rank}")
        expect(s["kind"] == "dict", f"rank{rank}.pt holds a {s['kind']}, not a state dict")
        expect(sorted(s["state"]) == keys,
               f"rank{rank}.pt has keys {sorted(s['state'])[:4]}...; expected the plain model's keys {keys} "
               "(save the wrapped module's state dict, without the 'module.' prefix)")
    return [s["state"] for s in got]


@graded("train_worker", points=1)
def test_train_worker_ranks_end_identical(sub, rng):
    steps = int(rng.integers(2, 6))
    states = saved_states(sub, steps)
    for key, value in states[0].items():
        close(states[1][key], value, f"after {steps} steps the ranks' '{key}' differ: every rank should end with "
                                     "the same parameters", rtol=1e-6, atol=1e-7)


@graded("train_worker", points=3)
def test_train_worker_matches_single_process_training(sub, rng):
    steps = int(rng.integers(2, 8))
    states = saved_states(sub, steps)
    want = single_process(steps, 2)
    for rank, state in enumerate(states):
        for key, value in want.items():
            close(state[key], value, f"after {steps} steps rank {rank}'s '{key}' differs from one process training "
                                     "build_model() on the combined batches global_batch(step, 2)", rtol=1e-4, atol=1e-5)
