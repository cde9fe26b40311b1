"""Visible checks of 10_torch_deployment: small fixed examples, run in your kernel.

The hidden graders test more behaviours, with fresh random inputs.
"""
import contextlib
import io
import os
import tempfile
import warnings

import numpy as np
import torch
from torch import nn

from dlcourse.visible import Checks

checks = Checks()
_FOLDER = tempfile.mkdtemp(prefix="checks_10_")


@contextlib.contextmanager
def _quiet():
    """Exporters print progress and warnings; a check cell stays silent."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


class _Gate(nn.Module):
    def __init__(self):
        super().__init__()
        self.pos = nn.Linear(3, 2)
        self.neg = nn.Linear(3, 2)

    def forward(self, x):
        if x.sum() > 0:
            return self.pos(x)
        return -self.neg(x)


def _gate():
    torch.manual_seed(0)
    return _Gate().eval()


def _mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2)).eval()


@checks.of("to_torchscript")
def _(to_torchscript):
    model = _gate()
    with _quiet():
        scripted = to_torchscript(model)
    checks.expect(isinstance(scripted, torch.jit.ScriptModule),
                  f"to_torchscript should return a torch.jit.ScriptModule, got a {type(scripted).__name__}")
    with torch.no_grad(), _quiet():
        for x, which in ((torch.ones(2, 3), "positive"), (-torch.ones(2, 3), "negative")):
            checks.expect(torch.allclose(scripted(x), model(x)),
                          f"on an input with a {which} sum the converted module differs from the model: "
                          "was it traced? Tracing keeps only the branch the example took")
    checks.expect(not scripted.training and not model.training, "the model was in eval mode; it and the "
                                                                 "converted module should stay in eval mode")
    model.train()
    with _quiet():
        scripted = to_torchscript(model)
    checks.expect(scripted.training and model.training, "for a model in training mode, the model and the converted "
                                                        "module should both be in training mode")


@checks.of("save_and_load")
def _(save_and_load):
    model = _gate()
    with _quiet():
        scripted = torch.jit.script(model)
        path = os.path.join(_FOLDER, "gate.pt")
        loaded = save_and_load(scripted, path)
    checks.expect(os.path.isfile(path), f"save_and_load(module, {path!r}) wrote no file there")
    checks.expect(isinstance(loaded, torch.jit.ScriptModule),
                  f"save_and_load should return a torch.jit.ScriptModule, got a {type(loaded).__name__}")
    checks.expect(loaded is not scripted, "save_and_load returned the module it was given; return the one loaded from the file")
    with torch.no_grad(), _quiet():
        for x in (torch.ones(2, 3), -torch.ones(2, 3)):
            checks.expect(torch.allclose(loaded(x), model(x)), "the loaded module's output differs from the model's")


@checks.of("export_with_dynamic_batch")
def _(export_with_dynamic_batch):
    model = _mlp()
    with _quiet():
        program = export_with_dynamic_batch(model, torch.randn(4, 3))
    checks.expect(isinstance(program, torch.export.ExportedProgram),
                  f"export_with_dynamic_batch should return a torch.export.ExportedProgram, got a {type(program).__name__}")
    with torch.no_grad(), _quiet():
        for n in (4, 1, 9):
            x = torch.linspace(-1, 1, n * 3).reshape(n, 3)
            try:
                out = program.module()(x)
            except Exception as exc:
                checks.expect(False, f"exported with a batch of 4, the program refused a batch of {n} "
                                     f"({type(exc).__name__}): is the batch dimension dynamic?")
            checks.expect(torch.allclose(out, model(x), atol=1e-6),
                          f"on a batch of {n} the program's output differs from the model's")


@checks.of("export_onnx")
def _(export_onnx):
    import onnxruntime as ort

    model = _mlp()
    path = os.path.join(_FOLDER, "mlp.onnx")
    with _quiet():
        export_onnx(model, torch.randn(4, 3), path)
    checks.expect(os.path.isfile(path), f"export_onnx(model, example, {path!r}) wrote no file there")
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    for n in (4, 1, 9):
        x = np.linspace(-1, 1, n * 3, dtype=np.float32).reshape(n, 3)
        try:
            out = session.run(None, {name: x})[0]
        except Exception:
            checks.expect(False, f"exported with a batch of 4, the ONNX file refused a batch of {n} in ONNX Runtime: "
                                 "is the batch axis dynamic?")
        with torch.no_grad():
            want = model(torch.from_numpy(x)).numpy()
        checks.expect(np.allclose(out, want, atol=1e-5), f"on a batch of {n} ONNX Runtime's output differs from the model's")


@checks.of("compile_model")
def _(compile_model):
    model = _mlp()                         # 3 input features
    graphs = []

    def counting(gm, example_inputs):      # a backend that counts the graphs it receives
        graphs.append(gm)
        return gm.forward

    with _quiet():
        import torch._dynamo

        torch._dynamo.reset()
        compiled = compile_model(model, backend=counting)
        checks.expect(callable(compiled), f"compile_model should return the compiled module, got a {type(compiled).__name__}")
        with torch.no_grad():
            for n in (6, 11, 20):
                x = torch.linspace(-1, 1, n * 3).reshape(n, 3)
                checks.expect(torch.allclose(compiled(x), model(x), atol=1e-6),
                              f"on a batch of {n} the compiled module's output differs from the model's")
    checks.expect(len(graphs) >= 1, "the backend given to compile_model received no graph: pass it to torch.compile")
    checks.expect(len(graphs) == 1, f"the model was compiled {len(graphs)} times for batches of 6, 11 and 20 rows; "
                                    "one graph should serve every batch size")


def _affine_onnx(path):
    """y = 2 * x + 1 with an input called 'features' and a second output (x itself)."""
    from onnx import TensorProto, helper, numpy_helper

    nodes = [helper.make_node("Mul", ["features", "two"], ["scaled"]),
             helper.make_node("Add", ["scaled", "one"], ["y"]),
             helper.make_node("Identity", ["features"], ["copy"])]
    graph = helper.make_graph(
        nodes, "affine", [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["n", 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 2]),
         helper.make_tensor_value_info("copy", TensorProto.FLOAT, ["n", 2])],
        initializer=[numpy_helper.from_array(np.array(2.0, dtype=np.float32), "two"),
                     numpy_helper.from_array(np.array(1.0, dtype=np.float32), "one")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    with open(path, "wb") as fh:
        fh.write(model.SerializeToString())


@checks.of("onnx_predict")
def _(onnx_predict):
    path = os.path.join(_FOLDER, "affine.onnx")
    _affine_onnx(path)
    x = np.array([[0.0, 1.0], [2.0, -3.0], [0.5, 0.25]])          # float64
    with _quiet():
        out = onnx_predict(path, x)
    checks.expect(isinstance(out, np.ndarray), f"onnx_predict should return a NumPy array, got a {type(out).__name__} "
                                               "(session.run returns a list: one array per output)")
    want = [[1.0, 3.0], [5.0, -5.0], [2.0, 1.5]]
    checks.expect(out.shape == (3, 2) and np.allclose(out, want),
                  f"for the model y = 2x + 1 (input named 'features') and x = {x.tolist()}, expected the first "
                  f"output {want}, got {out.tolist()}")


check = checks.check
needs = checks.needs
