"""Hidden graders of cleanup: the process group is destroyed, so a new one can be made.

The grader makes the group; after the learner's cleanup, torch's own functions (taken before it ran)
say whether a default group is left, rank 0's rendezvous store must be gone from its port, and a new
group must sum secrets drawn after the fork (ranks.py): a cleanup that only hides the old group fails.
"""
import importlib.util
from pathlib import Path

import numpy as np

from dlcourse.grading import close, expect, graded, probe

_spec = importlib.util.spec_from_file_location("ranks_of_11", Path(__file__).with_name("ranks.py"))
ranks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ranks)


def cleanup_body(mod, rank, world_size, port, folder):
    # The grader makes the group (not the learner's setup); the learner's cleanup ends it.
    d = own_dist()
    own_group(d, rank, world_size, port)
    d["barrier"]()
    mod.cleanup()
    out = {"after": bool(d["is_initialized"]())}
    if out["after"]:
        d["destroy_process_group"]()
        return out
    if rank == 0:  # the destroyed group's store (rank 0 served it on `port`) is closed with it
        out["store_open"] = listens(port)
    # a destroyed group leaves room for a new one (here met through a file in the shared folder)
    out["mine"] = secret(2)
    own_group(d, rank, world_size, port, where=f"{folder}/store")
    t = torch.tensor(out["mine"], dtype=torch.float64)
    d["all_reduce"](t)
    out["again"] = t.numpy()
    d["destroy_process_group"]()
    return out


@probe(uses=[ranks.run_ranks, ranks.secret, ranks.own_dist, ranks.Tampered, ranks.own_group, ranks.listens,
             cleanup_body])
def probe_cleanup(mod):
    return run_ranks(mod, cleanup_body, 2)


@graded("cleanup", points=2)
def test_cleanup_destroys_the_process_group(sub):
    got = ranks.values_of(sub.run(probe_cleanup), "cleanup in 2 processes")
    for rank, r in enumerate(got):
        expect(not r["after"], f"after cleanup() the process group of rank {rank} is still initialized: destroy it")
        expect(isinstance(r.get("mine"), list) and len(r["mine"]) == 2, "cleanup: a rank's process did not report")
    expect(got[0].get("store_open") is False,
           "after cleanup() the old group's rendezvous store still serves its port: the group was not destroyed")
    total = np.sum([r["mine"] for r in got], axis=0)
    for r in got:
        close(r["again"], total, "after cleanup() a new process group could not be made and used")
