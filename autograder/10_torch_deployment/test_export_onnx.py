"""Hidden graders of export_onnx: a file ONNX Runtime runs, equal to the model, with a dynamic batch axis."""
import numpy as np
import torch

from dlcourse.grading import close, expect, graded, probe


def build(state):
    """The grader's network (eval mode) with the given weights; built in the probe and here."""
    from torch import nn

    h, d = state["0.weight"].shape
    k = state["3.weight"].shape[0]
    model = nn.Sequential(nn.Linear(d, h), nn.LayerNorm(h), nn.ReLU(), nn.Linear(h, k))
    model.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    return model.eval()


@probe(uses=[build])
def probe_onnx_export(mod, state, example, batches, tag):
    # Export with the learner's function, then run the file with ONNX Runtime here.
    import contextlib
    import io
    import os
    import warnings

    import onnxruntime as ort

    model = build(state)
    path = os.path.join(os.getcwd(), f"model_{tag}.onnx")
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        mod.export_onnx(model, torch.tensor(example), path)
    out = {"exists": os.path.isfile(path)}
    if not out["exists"]:
        return out
    try:
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    except Exception as exc:
        out["load_error"] = type(exc).__name__
        return out
    name = session.get_inputs()[0].name
    results = []
    for x in batches:
        try:
            results.append(np.asarray(session.run(None, {name: x})[0], dtype=np.float32))
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


def tag_of(rng):
    return "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=10))


def loads(got):
    expect(got["exists"], "export_onnx wrote no file at the path it was given")
    expect("load_error" not in got, f"ONNX Runtime cannot load the file export_onnx wrote ({got.get('load_error')})")


@graded("export_onnx", points=1)
def test_export_onnx_runs_in_onnxruntime(sub, rng):
    state, example, _ = random_case(rng, [])
    batches = [example, example[::-1].copy()]
    got = sub.run(probe_onnx_export, state, example, batches, tag_of(rng))
    loads(got)
    for result, x in zip(got["results"], batches):
        expect(not isinstance(result, str), f"ONNX Runtime raised {result} on an input shaped like the example")
        close(result, eager(state, x), "ONNX Runtime's output for the exported file differs from the model's (eval mode)",
              rtol=1e-4, atol=1e-5)


@graded("export_onnx", points=2)
def test_export_onnx_batch_axis_is_dynamic(sub, rng):
    sizes = [1, 64] + [int(n) for n in rng.integers(17, 64, size=2)]
    sizes = [int(n) for n in rng.permutation(sizes)]
    state, example, batches = random_case(rng, sizes)
    got = sub.run(probe_onnx_export, state, example, batches, tag_of(rng))
    loads(got)
    for result, x in zip(got["results"], batches):
        n = len(x)
        expect(not isinstance(result, str),
               f"ONNX Runtime refused a batch of {n} for the exported file (it raised {result}; the example had "
               f"{len(example)} rows): give the input a dynamic batch axis")
        close(result, eager(state, x), f"on a batch of {n} the exported file's output differs from the model's",
              rtol=1e-4, atol=1e-5)
