"""Hidden graders of wrap_data_parallel: the model itself on the CPU, nn.DataParallel over several GPUs.

The grading machine has no GPU: the several-GPU test makes torch report k GPUs (device_count,
is_available, DataParallel's per-GPU balance check), and lets moving a model to 'cuda' be a no-op.
"""
from dlcourse.grading import expect, graded, probe


@probe
def probe_wrap(mod, gpus):
    import sys

    from torch import nn

    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    if gpus is None:  # the machine as it is: no GPU visible
        out = mod.wrap_data_parallel(model)
    else:
        dp = sys.modules["torch.nn.parallel.data_parallel"]
        saved = (torch.cuda.device_count, torch.cuda.is_available, dp._check_balance, nn.Module.to, nn.Module.cuda)
        real_to = nn.Module.to

        def to(self, *args, **kwargs):
            try:
                return real_to(self, *args, **kwargs)
            except (RuntimeError, AssertionError):  # 'cuda' on a machine without one
                return self

        torch.cuda.device_count, torch.cuda.is_available = (lambda: gpus), (lambda: gpus > 0)
        dp._check_balance, nn.Module.to, nn.Module.cuda = (lambda ids: None), to, (lambda self, device=None: self)
        try:
            out = mod.wrap_data_parallel(model)
        finally:
            (torch.cuda.device_count, torch.cuda.is_available, dp._check_balance, nn.Module.to, nn.Module.cuda) = saved
    return {"same": out is model, "type": type(out).__name__, "data_parallel": isinstance(out, nn.DataParallel),
            "wraps_model": isinstance(out, nn.DataParallel) and out.module is model}


@graded("wrap_data_parallel", points=1)
def test_wrap_data_parallel_returns_the_model_on_cpu(sub, rng):
    got = sub.run(probe_wrap, None)
    expect(got["same"], f"with no GPU visible wrap_data_parallel returned a {got['type']}: return the model itself")


@graded("wrap_data_parallel", points=1)
def test_wrap_data_parallel_wraps_over_several_gpus(sub, rng):
    for gpus in [1, 2, int(rng.integers(3, 9))]:   # 2: the fewest that DataParallel splits over
        got = sub.run(probe_wrap, gpus)
        if gpus == 1:
            expect(got["same"], f"with one GPU visible wrap_data_parallel returned a {got['type']}: "
                                "return the model itself (one GPU has nothing to split over)")
        else:
            expect(got["wraps_model"], f"with {gpus} GPUs visible wrap_data_parallel returned a {got['type']}: "
                                       "return nn.DataParallel around the given model")
