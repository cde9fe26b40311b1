"""Hidden graders of to_torchscript: a scripted module that keeps both branches and the model's mode."""
import numpy as np
import torch

from dlcourse.grading import close, expect, graded, probe

# The grader's model, with a branch decided by the data. TorchScript compiles a class from its
# source file, so the probe writes this text to a file in the sandbox's working folder and imports it.
MODELS = '''
import torch
from torch import nn


class Branchy(nn.Module):
    """Two different computations, chosen by the sign of the input's sum."""

    def __init__(self, d: int, h: int, k: int):
        super().__init__()
        self.pos = nn.Sequential(nn.Linear(d, h), nn.Tanh(), nn.Linear(h, k))
        self.neg = nn.Linear(d, k)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        if x.sum() > 0:
            return self.pos(self.drop(x))
        return 2.0 * self.neg(x) - 1.0
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
def probe_script(mod, source, tag, state, inputs, training):
    # Build the grader's model, script it with the learner's function, run it on each input.
    import contextlib
    import io
    import warnings

    models = load_models(source, tag)
    h, d = state["pos.0.weight"].shape
    k = state["neg.weight"].shape[0]
    model = models.Branchy(d, h, k)
    model.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    model.train(training)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        scripted = mod.to_torchscript(model)
        out = {"is_script": isinstance(scripted, torch.jit.ScriptModule), "type": type(scripted).__name__,
               "model_training": bool(model.training), "script_training": bool(getattr(scripted, "training", False))}
        if out["is_script"] and not training:
            with torch.no_grad():
                out["outputs"] = [scripted(torch.tensor(x)).numpy().copy() for x in inputs]
    return out


def random_state(rng):
    d, h, k = int(rng.integers(3, 8)), int(rng.integers(4, 10)), int(rng.integers(2, 5))
    return {"pos.0.weight": rng.standard_normal((h, d)).astype(np.float32),
            "pos.0.bias": rng.standard_normal(h).astype(np.float32),
            "pos.2.weight": rng.standard_normal((k, h)).astype(np.float32),
            "pos.2.bias": rng.standard_normal(k).astype(np.float32),
            "neg.weight": rng.standard_normal((k, d)).astype(np.float32),
            "neg.bias": rng.standard_normal(k).astype(np.float32)}


def eager_outputs(state, inputs):
    """The model's own outputs in eval mode, computed here."""
    namespace = {}
    exec(MODELS, namespace)
    h, d = state["pos.0.weight"].shape
    model = namespace["Branchy"](d, h, state["neg.weight"].shape[0])
    model.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    model.eval()
    with torch.no_grad():
        return [model(torch.tensor(x)).numpy() for x in inputs]


def tag_of(rng):
    return "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=10))


def is_script(got):
    expect(got["is_script"], f"to_torchscript should return a torch.jit.ScriptModule, got a {got['type']}")


@graded("to_torchscript", points=2)
def test_to_torchscript_keeps_both_branches(sub, rng):
    state = random_state(rng)
    d = state["pos.0.weight"].shape[1]
    inputs, signs = [], []
    for sign in rng.permutation([1.0, -1.0, 1.0, -1.0]):
        x = np.abs(rng.standard_normal((int(rng.integers(1, 6)), d))).astype(np.float32) + 0.1
        inputs.append((sign * x).astype(np.float32))
        signs.append(sign)
    got = sub.run(probe_script, MODELS, tag_of(rng), state, inputs, False)
    is_script(got)
    for out, want, sign in zip(got["outputs"], eager_outputs(state, inputs), signs):
        branch = "a positive" if sign > 0 else "a negative"
        close(out, want, f"on an input with {branch} sum the scripted module's output differs from the model's: "
              "the model's `if` depends on the data, so it must survive the conversion (tracing records "
              "only the branch its example took)", rtol=1e-5, atol=1e-5)


@graded("to_torchscript", points=1)
def test_to_torchscript_keeps_the_models_mode(sub, rng):
    for training in rng.permutation([True, False]):
        training = bool(training)
        state = random_state(rng)
        d = state["pos.0.weight"].shape[1]
        inputs = [np.ones((2, d), dtype=np.float32), -np.ones((3, d), dtype=np.float32)]
        got = sub.run(probe_script, MODELS, tag_of(rng), state, inputs, training)
        mode = "training" if training else "eval"
        is_script(got)
        if not training:    # first of all, the conversion must work (both branches)
            for out, want in zip(got["outputs"], eager_outputs(state, inputs)):
                close(out, want, "the scripted module's output differs from the model's (on inputs of either sign)",
                      rtol=1e-5, atol=1e-5)
        expect(got["model_training"] == training,
               f"to_torchscript changed the mode of the model it was given (a model in {mode} mode)")
        expect(got["script_training"] == training,
               f"for a model in {mode} mode, the scripted module is in the other mode: convert the model as it is")
