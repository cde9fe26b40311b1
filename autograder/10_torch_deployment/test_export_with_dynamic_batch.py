"""Hidden graders of export_with_dynamic_batch: an ExportedProgram whose batch dimension is dynamic."""
import numpy as np
import torch
from torch import nn

from dlcourse.grading import close, expect, graded, probe


def build(state):
    """The grader's network (eval mode) with the given weights; built in the probe and here."""
    from torch import nn

    h, d = state["0.weight"].shape
    k = state["3.weight"].shape[0]
    model = nn.Sequential(nn.Linear(d, h), nn.LayerNorm(h), nn.GELU(), nn.Linear(h, k))
    model.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    return model.eval()


@probe(uses=[build])
def probe_export(mod, state, example, batches):
    # Export once with the learner's function, then run the program on every batch.
    import contextlib
    import io
    import warnings

    model = build(state)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        program = mod.export_with_dynamic_batch(model, torch.tensor(example))
        out = {"is_exported": isinstance(program, torch.export.ExportedProgram), "type": type(program).__name__}
        if not out["is_exported"]:
            return out
        runnable = program.module()
        results = []
        for x in batches:
            try:
                with torch.no_grad():
                    y = runnable(torch.tensor(x))
                results.append(np.asarray(y.detach().numpy(), dtype=np.float32))
            except Exception as exc:
                results.append(type(exc).__name__)
        out["results"] = results
    return out


def random_case(rng, sizes):
    d, h, k = int(rng.integers(3, 9)), int(rng.integers(8, 17)), int(rng.integers(2, 6))
    state = {"0.weight": rng.standard_normal((h, d)).astype(np.float32) / np.sqrt(d),
             "0.bias": (rng.standard_normal(h) * 0.1).astype(np.float32),
             "1.weight": rng.uniform(0.5, 1.5, h).astype(np.float32),
             "1.bias": (rng.standard_normal(h) * 0.1).astype(np.float32),
             "3.weight": rng.standard_normal((k, h)).astype(np.float32) / np.sqrt(h),
             "3.bias": (rng.standard_normal(k) * 0.1).astype(np.float32)}
    example = rng.standard_normal((int(rng.integers(2, 17)), d)).astype(np.float32)
    batches = [rng.standard_normal((n, d)).astype(np.float32) for n in sizes]
    return state, example, batches


def eager(state, x):
    with torch.no_grad():
        return build(state)(torch.tensor(x)).numpy()


def exported(got):
    expect(got["is_exported"], f"export_with_dynamic_batch should return a torch.export.ExportedProgram, got a {got['type']}")


@graded("export_with_dynamic_batch", points=1)
def test_export_with_dynamic_batch_matches_eager(sub, rng):
    state, example, _ = random_case(rng, [])
    batches = [example, example[::-1].copy()]         # the example's own batch size
    got = sub.run(probe_export, state, example, batches)
    exported(got)
    for result, x in zip(got["results"], batches):
        expect(not isinstance(result, str), f"the exported program raised {result} on an input shaped like the example")
        close(result, eager(state, x), "the exported program's output differs from the model's (eval mode)",
              rtol=1e-5, atol=1e-5)


@graded("export_with_dynamic_batch", points=2)
def test_export_with_dynamic_batch_runs_other_batch_sizes(sub, rng):
    sizes = [1, 64] + [int(n) for n in rng.integers(17, 64, size=2)] + [int(rng.integers(2, 17))]
    sizes = [int(n) for n in rng.permutation(sizes)]
    state, example, batches = random_case(rng, sizes)
    got = sub.run(probe_export, state, example, batches)
    exported(got)
    for result, x in zip(got["results"], batches):
        n = len(x)
        expect(not isinstance(result, str),
               f"the exported program refused a batch of {n} (it raised {result}; the example had {len(example)} rows): "
               "mark the batch dimension as dynamic, for every batch size from 1 to 64")
        close(result, eager(state, x), f"on a batch of {n} the exported program's output differs from the model's",
              rtol=1e-5, atol=1e-5)
