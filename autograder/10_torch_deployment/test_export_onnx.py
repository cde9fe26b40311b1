"""Hidden graders of export_onnx: a file ONNX Runtime runs, equal to the model, with a dynamic batch axis.

The file comes back to the trusted process, which runs it with its own ONNX Runtime (never the learner's).
"""
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
def probe_onnx_export(mod, state, example, tag):
    # Export with the learner's function; send back the file (and a weights file beside it, if any).
    import contextlib
    import io
    import os
    import warnings

    model = build(state)
    name = f"model_{tag}.onnx"
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        mod.export_onnx(model, torch.tensor(example), os.path.join(os.getcwd(), name))
    files = {}
    for entry in sorted(os.listdir(os.getcwd())):
        path = os.path.join(os.getcwd(), entry)
        if entry.startswith(name) and os.path.isfile(path) and os.path.getsize(path) <= 8 << 20:
            with open(path, "rb") as fh:
                files[entry] = fh.read()
    return {"name": name, "files": files}


def run_here(got, batches):
    """Run the exported file with this process's ONNX Runtime (never the learner's): one result per batch,
    or the name of the error ONNX Runtime raised."""
    import os
    import tempfile

    import onnxruntime as ort

    files = got.get("files") if type(got) is dict else None
    expect(type(files) is dict and type(got.get("name")) is str and got["name"] in files,
           "export_onnx wrote no file at the path it was given")
    with tempfile.TemporaryDirectory() as folder:
        for entry, data in files.items():
            expect(type(entry) is str and type(data) is bytes and os.sep not in entry and entry.startswith(got["name"]),
                   "export_onnx's files could not be read back")
            with open(os.path.join(folder, entry), "wb") as fh:
                fh.write(data)
        try:
            session = ort.InferenceSession(os.path.join(folder, got["name"]), providers=["CPUExecutionProvider"])
        except Exception as exc:
            expect(False, f"ONNX Runtime cannot load the file export_onnx wrote ({type(exc).__name__})")
        name = session.get_inputs()[0].name
        results = []
        for x in batches:
            try:
                results.append(np.asarray(session.run(None, {name: x})[0], dtype=np.float32))
            except Exception as exc:
                results.append(type(exc).__name__)
    return results


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


@graded("export_onnx", points=1)
def test_export_onnx_runs_in_onnxruntime(sub, rng):
    state, example, _ = random_case(rng, [])
    batches = [example, example[::-1].copy()]
    got = sub.run(probe_onnx_export, state, example, tag_of(rng))
    for result, x in zip(run_here(got, batches), batches):
        expect(not isinstance(result, str), f"ONNX Runtime raised {result} on an input shaped like the example")
        close(result, eager(state, x), "ONNX Runtime's output for the exported file differs from the model's (eval mode)",
              rtol=1e-4, atol=1e-5)


@graded("export_onnx", points=2)
def test_export_onnx_batch_axis_is_dynamic(sub, rng):
    sizes = [1, 64] + [int(n) for n in rng.integers(17, 64, size=2)]
    sizes = [int(n) for n in rng.permutation(sizes)]
    state, example, batches = random_case(rng, sizes)
    got = sub.run(probe_onnx_export, state, example, tag_of(rng))
    for result, x in zip(run_here(got, batches), batches):
        n = len(x)
        expect(not isinstance(result, str),
               f"ONNX Runtime refused a batch of {n} for the exported file (it raised {result}; the example had "
               f"{len(example)} rows): give the input a dynamic batch axis")
        close(result, eager(state, x), f"on a batch of {n} the exported file's output differs from the model's",
              rtol=1e-4, atol=1e-5)
