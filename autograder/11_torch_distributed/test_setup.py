"""Hidden graders of setup: a working gloo group of the given rank and size, on the given port.

Each rank adds a secret drawn after the fork to its contribution (ranks.py): the sum an all_reduce
returns can only be right if the ranks really exchanged their tensors through the group setup made.
"""
import importlib.util
from pathlib import Path

import numpy as np

from dlcourse.grading import close, expect, graded, probe

_spec = importlib.util.spec_from_file_location("ranks_of_11", Path(__file__).with_name("ranks.py"))
ranks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ranks)


def setup_body(mod, rank, world_size, port, folder, base):
    # In rank `rank`'s process: the learner's setup, then the grader's own torch.distributed functions on its group.
    d = own_dist()
    mine = [b + s for b, s in zip(base[rank], secret(len(base[rank])))]
    mod.setup(rank, world_size, port)
    out = {"mine": mine, "initialized": bool(d["is_initialized"]())}
    if not out["initialized"]:
        return out
    out.update(rank=int(d["get_rank"]()), world_size=int(d["get_world_size"]()), backend=str(d["get_backend"]()))
    t = torch.tensor(mine, dtype=torch.float64)
    d["all_reduce"](t)
    out["sum"] = t.numpy()
    if rank == 0:  # the group's store (rank 0 serves it) listens on the port setup was given
        out["listens"] = listens(port)
    d["barrier"]()
    d["destroy_process_group"]()
    return out


@probe(uses=[ranks.run_ranks, ranks.secret, ranks.own_dist, ranks.Tampered, ranks.listens, setup_body])
def probe_setup(mod, base):
    return run_ranks(mod, setup_body, len(base), (base,))


def run(sub, rng):
    base = rng.standard_normal((2, 3)).tolist()   # the first test's draw serves both (ranks.shared)
    got = ranks.shared(sub, "setup", lambda: ranks.values_of(sub.run(probe_setup, base), "setup in 2 processes"))
    for r in got:
        expect(isinstance(r.get("mine"), list) and len(r["mine"]) == 3, "setup: a rank's process did not report")
    return got, np.sum([r["mine"] for r in got], axis=0)


@graded("setup", points=2)
def test_setup_makes_a_working_gloo_group(sub, rng):
    got, total = run(sub, rng)
    for rank, r in enumerate(got):
        expect(r["initialized"], f"after setup(rank={rank}, world_size=2, port) no process group is initialized")
        expect(r["rank"] == rank and r["world_size"] == 2,
               f"setup(rank={rank}, world_size=2, ...) made a group where this process has rank {r['rank']} "
               f"of {r['world_size']}")
        expect(r["backend"] == "gloo", f"the group uses the {str(r['backend'])[:20]!r} backend; on CPU use 'gloo'")
        close(r["sum"], total, "an all_reduce over the group made by setup does not sum the two processes' tensors")


@graded("setup", points=1)
def test_setup_uses_the_given_port(sub, rng):
    got, total = run(sub, rng)
    for r in got:
        expect(r["initialized"] and "sum" in r, "after setup no process group is initialized")
        close(r["sum"], total, "an all_reduce over the group made by setup does not sum the two processes' tensors")
    expect(got[0].get("listens") is True,
           "nothing listens on 127.0.0.1 at the port given to setup while the group exists: "
           "rank 0 should serve the group's rendezvous at that address and port")
