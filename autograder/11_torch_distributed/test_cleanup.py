"""Hidden graders of cleanup: the process group is destroyed, so a new one can be made."""
import importlib.util
from pathlib import Path

from dlcourse.grading import expect, graded, probe

_spec = importlib.util.spec_from_file_location("ranks_of_11", Path(__file__).with_name("ranks.py"))
ranks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ranks)


def cleanup_body(mod, rank, world_size, port, folder):
    # The grader makes the group (not the learner's setup); the learner's cleanup ends it.
    import datetime

    import torch.distributed as dist

    own_group(rank, world_size, port)
    dist.barrier()
    mod.cleanup()
    out = {"after": bool(dist.is_initialized())}
    if out["after"]:
        dist.destroy_process_group()
        return out
    # a destroyed group leaves room for a new one (here met through a file in the shared folder)
    dist.init_process_group("gloo", init_method=f"file://{folder}/store", rank=rank, world_size=world_size,
                            timeout=datetime.timedelta(seconds=20))
    t = torch.ones(1)
    dist.all_reduce(t)
    out["again"] = float(t.item())
    dist.destroy_process_group()
    return out


@probe(uses=[ranks.run_ranks, ranks.own_group, cleanup_body])
def probe_cleanup(mod):
    return run_ranks(mod, cleanup_body, 2)


@graded("cleanup", points=2)
def test_cleanup_destroys_the_process_group(sub):
    got = ranks.values_of(sub.run(probe_cleanup), "cleanup in 2 processes")
    for rank, r in enumerate(got):
        expect(not r["after"], f"after cleanup() the process group of rank {rank} is still initialized: destroy it")
        expect(r.get("again") == 2.0, "after cleanup() a new process group could not be made and used")
