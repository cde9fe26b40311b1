"""Hidden graders of save_and_load: torch.jit.save to the given path, then the module torch.jit.load gives back."""
import numpy as np
import torch

from dlcourse.grading import close, expect, graded, probe

MODELS = '''
import torch
from torch import nn


class Branchy(nn.Module):
    """Two different computations, chosen by the sign of the input's sum."""

    def __init__(self, d: int, k: int):
        super().__init__()
        self.pos = nn.Linear(d, k)
        self.neg = nn.Sequential(nn.Linear(d, k), nn.Tanh())

    def forward(self, x):
        if x.sum() > 0:
            return self.pos(x)
        return 3.0 * self.neg(x)
'''


def load_models(source, tag):
    """Write the models' source to a file in the working folder and import it as a module."""
    import importlib.util
    import os
    import sys

    name = "grader_models_" + tag
    path = os.path.join(os.getcwd(), name + ".py")
    with open(path, "w") as fh:
        fh.write(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@probe(uses=[load_models])
def probe_round_trip(mod, source, tag, state, inputs):
    # Script the grader's model here, round-trip it with the learner's function, run both.
    import contextlib
    import io
    import os
    import warnings

    models = load_models(source, tag)
    k, d = state["pos.weight"].shape
    model = models.Branchy(d, k)
    model.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    model.eval()
    path = os.path.join(os.getcwd(), f"roundtrip_{tag}.pt")
    out = {}
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        scripted = torch.jit.script(model)
        loaded = mod.save_and_load(scripted, path)
        out["is_script"] = isinstance(loaded, torch.jit.ScriptModule)
        out["type"] = type(loaded).__name__
        out["same_object"] = loaded is scripted
        out["file_exists"] = os.path.isfile(path)
        with torch.no_grad():
            for p in scripted.parameters():      # what was returned must not depend on the original any more
                p.zero_()
            if out["is_script"]:
                out["outputs"] = [loaded(torch.tensor(x)).numpy().copy() for x in inputs]
            try:
                again = torch.jit.load(path)
                out["file_outputs"] = [again(torch.tensor(x)).numpy().copy() for x in inputs]
            except Exception as exc:
                out["file_error"] = type(exc).__name__
    return out


def random_case(rng):
    d, k = int(rng.integers(3, 8)), int(rng.integers(2, 5))
    state = {"pos.weight": rng.standard_normal((k, d)).astype(np.float32),
             "pos.bias": rng.standard_normal(k).astype(np.float32),
             "neg.0.weight": rng.standard_normal((k, d)).astype(np.float32),
             "neg.0.bias": rng.standard_normal(k).astype(np.float32)}
    inputs = []
    for sign in rng.permutation([1.0, -1.0]):
        x = np.abs(rng.standard_normal((int(rng.integers(1, 6)), d))).astype(np.float32) + 0.1
        inputs.append((sign * x).astype(np.float32))
    return state, inputs


def eager_outputs(state, inputs):
    namespace = {}
    exec(MODELS, namespace)
    k, d = state["pos.weight"].shape
    model = namespace["Branchy"](d, k)
    model.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    model.eval()
    with torch.no_grad():
        return [model(torch.tensor(x)).numpy() for x in inputs]


def tag_of(rng):
    return "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=10))


@graded("save_and_load", points=1)
def test_save_and_load_writes_a_torchscript_file(sub, rng):
    state, inputs = random_case(rng)
    got = sub.run(probe_round_trip, MODELS, tag_of(rng), state, inputs)
    expect(got["file_exists"], "save_and_load wrote no file at the path it was given")
    expect("file_error" not in got, f"the file save_and_load wrote does not load with torch.jit.load "
                                    f"({got.get('file_error')}): save it with torch.jit.save")
    for out, want in zip(got["file_outputs"], eager_outputs(state, inputs)):
        close(out, want, "the module in the file save_and_load wrote gives other outputs than the model "
              "(on one of the two branches)", rtol=1e-5, atol=1e-5)


@graded("save_and_load", points=1)
def test_save_and_load_returns_the_loaded_module(sub, rng):
    state, inputs = random_case(rng)
    got = sub.run(probe_round_trip, MODELS, tag_of(rng), state, inputs)
    expect(got["is_script"], f"save_and_load should return a torch.jit.ScriptModule, got a {got['type']}")
    expect(not got["same_object"], "save_and_load returned the module it was given: return what "
                                   "torch.jit.load reads back from the file")
    for out, want in zip(got["outputs"], eager_outputs(state, inputs)):
        close(out, want, "the module save_and_load returned gives other outputs than the model it saved, or it "
              "still shares its parameters with the original: return the module loaded from the file",
              rtol=1e-5, atol=1e-5)
