"""Hidden graders of setup: a working gloo group of the given rank and size, on the given port."""
import importlib.util
from pathlib import Path

import numpy as np

from dlcourse.grading import close, expect, graded, probe

_spec = importlib.util.spec_from_file_location("ranks_of_11", Path(__file__).with_name("ranks.py"))
ranks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ranks)


def setup_body(mod, rank, world_size, port, folder, values):
    # In rank `rank`'s process: the learner's setup, then facts about the group it made.
    import socket

    import torch.distributed as dist

    mod.setup(rank, world_size, port)
    out = {"initialized": bool(dist.is_initialized())}
    if not out["initialized"]:
        return out
    out.update(rank=int(dist.get_rank()), world_size=int(dist.get_world_size()), backend=str(dist.get_backend()))
    t = torch.tensor(values[rank], dtype=torch.float64)
    dist.all_reduce(t)
    out["sum"] = t.numpy()
    if rank == 0:  # the group's store (rank 0 serves it) listens on the port setup was given
        try:
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            out["listens"] = True
        except OSError:
            out["listens"] = False
    dist.barrier()
    dist.destroy_process_group()
    return out


@probe(uses=[ranks.run_ranks, setup_body])
def probe_setup(mod, values):
    return run_ranks(mod, setup_body, len(values), (values,))


def run(sub, rng):
    values = rng.standard_normal((2, 3)).tolist()
    got = ranks.values_of(sub.run(probe_setup, values), "setup in 2 processes")
    return got, np.sum(values, axis=0)


@graded("setup", points=2)
def test_setup_makes_a_working_gloo_group(sub, rng):
    got, total = run(sub, rng)
    for rank, r in enumerate(got):
        expect(r["initialized"], f"after setup(rank={rank}, world_size=2, port) no process group is initialized")
        expect(r["rank"] == rank and r["world_size"] == 2,
               f"setup(rank={rank}, world_size=2, ...) made a group where this process has rank {r['rank']} "
               f"of {r['world_size']}")
        expect(r["backend"] == "gloo", f"the group uses the {r['backend']!r} backend; on CPU use 'gloo'")
        close(r["sum"], total, "an all_reduce over the group made by setup does not sum the two processes' tensors")


@graded("setup", points=1)
def test_setup_uses_the_given_port(sub, rng):
    got, _ = run(sub, rng)
    expect(got[0].get("listens") is True,
           "nothing listens on 127.0.0.1 at the port given to setup while the group exists: "
           "rank 0 should serve the group's rendezvous at that address and port")
