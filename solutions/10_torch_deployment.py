"""Reference solution of 10_torch_deployment.

Generated from source/10_torch_deployment/10_torch_deployment.ipynb by `dlcourse build`; do not edit.
"""


import contextlib
import io
import logging
import os
import time
import warnings

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn

torch.manual_seed(0)
# Small models run fastest on one thread (and far faster than several on a busy shared machine).
torch.set_num_threads(1)
# TorchScript is deprecated in favour of torch.export: every call says so with a FutureWarning.
# It still works; we silence that one message so that the outputs below stay readable.
warnings.filterwarnings("ignore", message=r".*is deprecated\. Please switch to", category=FutureWarning)
# torch.compile's first use warns that Triton (GPU kernels) is missing: this course runs on CPUs.
logging.getLogger("torch.utils.flop_counter").setLevel(logging.ERROR)
WORK = "artifacts"                 # the files this notebook writes go here
os.makedirs(WORK, exist_ok=True)
print("torch", torch.__version__, "| onnx", onnx.__version__, "| onnxruntime", ort.__version__)


class Gate(nn.Module):
    """A model with a data-dependent branch: which layer runs depends on the input's values."""

    def __init__(self, d=4, k=2):
        super().__init__()
        self.pos = nn.Linear(d, k)
        self.neg = nn.Linear(d, k)

    def forward(self, x):
        if x.sum() > 0:
            return self.pos(x)
        return -self.neg(x)


gate = Gate().eval()
x_pos, x_neg = torch.ones(3, 4), -torch.ones(3, 4)
scripted_gate = torch.jit.script(gate)
print(type(scripted_gate).__name__)
print(scripted_gate.code)
with torch.no_grad():
    for x in (x_pos, x_neg):
        print("same as eager:", torch.allclose(scripted_gate(x), gate(x)))


if __name__ == "__main__":
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        traced_gate = torch.jit.trace(gate, x_pos)
    print("warnings while tracing:", [w.category.__name__ for w in caught if w.category is not FutureWarning])
    print(type(traced_gate).__name__, isinstance(traced_gate, torch.jit.ScriptModule))
    print(traced_gate.code)                                   # no `if` left: only the pos branch
    with torch.no_grad():
        print("positive input, traced == eager:", torch.allclose(traced_gate(x_pos), gate(x_pos)))
        print("negative input, traced == eager:", torch.allclose(traced_gate(x_neg), gate(x_neg)))

    # For a model without data-dependent control flow, tracing is exact, and it is how most
    # vision models are converted. A different batch size still works here: a Linear layer's
    # operations do not depend on the batch size.
    mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)).eval()
    traced_mlp = torch.jit.trace(mlp, torch.randn(5, 4))
    with torch.no_grad():
        x = torch.randn(11, 4)
        print("straight-line model, traced == eager:", torch.allclose(traced_mlp(x), mlp(x)))


def to_torchscript(model):
    """Convert ``model`` to a ScriptModule that keeps its data-dependent control flow."""
    return torch.jit.script(model)


path = os.path.join(WORK, "gate.pt")
torch.jit.save(scripted_gate, path)
reloaded = torch.jit.load(path)
print(f"{path}: {os.path.getsize(path)} bytes, loaded as a {type(reloaded).__name__}")
with torch.no_grad():
    print("both branches survive the round trip:",
          all(torch.allclose(reloaded(x), gate(x)) for x in (x_pos, x_neg)))


def save_and_load(module, path):
    """Save a ScriptModule to ``path`` and return the module read back from the file."""
    torch.jit.save(module, path)
    return torch.jit.load(path)


if __name__ == "__main__":
    mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)).eval()
    example = torch.randn(8, 4)

    static = torch.export.export(mlp, (example,))
    try:
        static.module()(torch.randn(3, 4))
    except Exception as err:
        print("static program, batch of 3:", type(err).__name__, "-", str(err).splitlines()[0])

    batch = torch.export.Dim("batch")
    dynamic = torch.export.export(mlp, (example,), dynamic_shapes=({0: batch},))
    print("dynamic program, batch of 1 and 50:", dynamic.module()(torch.randn(1, 4)).shape,
          dynamic.module()(torch.randn(50, 4)).shape)
    print("range constraints:", dynamic.range_constraints)
    print(dynamic.graph_module.code)

    try:
        with contextlib.redirect_stderr(io.StringIO()):      # export dumps the partial graph to stderr
            torch.export.export(gate, (x_pos,))
    except Exception as err:
        print("exporting the Gate model:", type(err).__name__, "-", str(err).splitlines()[0][:70])

    class CondGate(Gate):
        def forward(self, x):
            return torch.cond(x.sum() > 0, lambda v: self.pos(v), lambda v: -self.neg(v), (x,))

    cond_gate = CondGate()
    cond_gate.load_state_dict(gate.state_dict())
    program = torch.export.export(cond_gate.eval(), (x_pos,))
    print("torch.cond keeps both branches:",
          all(torch.allclose(program.module()(x), gate(x)) for x in (x_pos, x_neg)))
    torch.export.save(dynamic, os.path.join(WORK, "mlp.pt2"))
    print("reloaded .pt2 runs:", torch.export.load(os.path.join(WORK, "mlp.pt2")).module()(torch.randn(2, 4)).shape)


def export_with_dynamic_batch(model, example):
    """Export ``model`` with torch.export, its batch dimension (dim 0 of the input) dynamic."""
    batch = torch.export.Dim("batch")
    return torch.export.export(model, (example,), dynamic_shapes=({0: batch},))


def counting_backend(log):
    """A torch.compile backend that appends each graph it receives to `log` and runs it unchanged."""
    def backend(gm, example_inputs):
        log.append(gm)
        return gm.forward
    return backend


if __name__ == "__main__":
    import torch._dynamo

    mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)).eval()     # 4 input features
    cases = [(None, [5, 7, 9, 16]), (True, [5, 7, 9, 16]), (False, [5, 7, 9, 16]),
             (True, [4, 7, 9, 16]),          # duck sizing: a first batch of 4 rows = 4 features
             (True, [5, 7, 9, 16, 1])]       # a batch of 1 is always specialised
    for dynamic, sizes in cases:
        torch._dynamo.reset()                # forget earlier compilations
        graphs = []
        compiled = torch.compile(mlp, backend=counting_backend(graphs), dynamic=dynamic)
        with torch.no_grad():
            for n in sizes:
                x = torch.randn(n, 4)
                assert torch.allclose(compiled(x), mlp(x), atol=1e-6)
        print(f"dynamic={dynamic!s:5}  batches {sizes}: {len(graphs)} compilation(s)")
        if dynamic is True and len(graphs) == 1:
            captured = graphs[0]
    print(captured.code.strip())             # the graph Dynamo captured: linear, relu, linear


if __name__ == "__main__":
    torch._dynamo.reset()
    explained = torch._dynamo.explain(gate)(x_pos)
    print("graphs:", explained.graph_count, "| graph breaks:", explained.graph_break_count)
    print("break reason:", explained.break_reasons[0].reason)
    print("operators per graph:", [[str(op) for op in ops] for ops in explained.ops_per_graph])
    compiled_gate = torch.compile(gate, backend="eager")
    with torch.no_grad():
        print("compiled Gate == eager on both branches:",
              all(torch.allclose(compiled_gate(x), gate(x)) for x in (x_pos, x_neg)))
    torch._dynamo.reset()
    try:
        torch.compile(gate, backend="eager", fullgraph=True)(x_pos)
    except Exception as err:
        print("fullgraph=True:", type(err).__name__, "-", str(err).splitlines()[0][:60])


if __name__ == "__main__":
    model64 = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)).eval()
    x64 = torch.randn(64, 64)

    def per_call(fn, repeats=200):
        start = time.perf_counter()
        for _ in range(repeats):
            fn(x64)
        return (time.perf_counter() - start) / repeats

    with torch.no_grad():
        print(f"eager                                 {per_call(model64) * 1e6:6.0f} µs per call")
        for backend in ("eager", "aot_eager", "inductor"):
            torch._dynamo.reset()
            compiled = torch.compile(model64, backend=backend, dynamic=True)
            start = time.perf_counter()
            compiled(x64)
            first = time.perf_counter() - start
            print(f"backend {backend!r:12s} first call {first:5.1f} s, then {per_call(compiled) * 1e6:6.0f} µs per call")


def compile_model(model, backend="inductor"):
    """``model`` compiled with torch.compile and ``backend``: eager's outputs, one graph for every batch size."""
    return torch.compile(model, backend=backend, dynamic=True)


if __name__ == "__main__":
    mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)).eval()
    example = torch.randn(8, 4)
    legacy_path = os.path.join(WORK, "mlp_legacy.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")              # the legacy exporter announces its deprecation
        start = time.perf_counter()
        torch.onnx.export(mlp, (example,), legacy_path, dynamo=False,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        print(f"legacy exporter: {time.perf_counter() - start:.2f} s")
        dynamo_path = os.path.join(WORK, "mlp_dynamo.onnx")
        start = time.perf_counter()
        torch.onnx.export(mlp, (example,), dynamo_path, dynamo=True, verbose=False,
                          dynamic_shapes=({0: torch.export.Dim("batch")},))
        print(f"dynamo exporter: {time.perf_counter() - start:.2f} s;",
              "files:", sorted(f for f in os.listdir(WORK) if "dynamo" in f))

    for path in (legacy_path, dynamo_path):
        model_proto = onnx.load(path)
        onnx.checker.check_model(model_proto)
        print(os.path.basename(path), "| opset", model_proto.opset_import[0].version,
              "| nodes", [n.op_type for n in model_proto.graph.node])
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        inp = session.get_inputs()[0]
        print("   input:", inp.name, inp.shape, inp.type, "| outputs:", [o.name for o in session.get_outputs()])
        for n in (1, 37):
            x = np.random.default_rng(n).standard_normal((n, 4)).astype(np.float32)
            got = session.run(None, {inp.name: x})[0]
            print(f"   batch {n}: max |onnx - torch| = {np.abs(got - mlp(torch.from_numpy(x)).detach().numpy()).max():.1e}")
    try:
        session.run(None, {inp.name: np.zeros((2, 4))})            # float64
    except Exception as err:
        print("float64 input:", str(err).split(":", 3)[-1].strip()[:90])


def export_onnx(model, example, path):
    """Export ``model`` to the ONNX file ``path`` with a dynamic batch axis."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")              # the legacy exporter announces its deprecation
        torch.onnx.export(model, (example,), path, dynamo=False,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})


def onnx_predict(path, x):
    """Run the ONNX model at ``path`` on ``x`` with ONNX Runtime; return its first output."""
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return session.run(None, {name: np.asarray(x, dtype=np.float32)})[0]


def deploy_digits():
    # Section 7's demo: train a digit classifier, deploy it six ways, compare predictions and speed.
    import matplotlib.pyplot as plt
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = torch.tensor(X / 16.0, dtype=torch.float32)
    y = torch.tensor(y)
    torch.manual_seed(0)
    digits = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = torch.optim.Adam(digits.parameters(), lr=1e-2)
    for epoch in range(30):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(digits(X), y)
        loss.backward()
        optimizer.step()
    digits.eval()
    print(f"training loss {loss.item():.3f}")

    scripted = save_and_load(to_torchscript(digits), os.path.join(WORK, "digits.pt"))
    exported = export_with_dynamic_batch(digits, X[:8]).module()     # build the callable module once
    compiled = compile_model(digits)                     # Inductor: C++ for this CPU
    export_onnx(digits, X[:8], os.path.join(WORK, "digits.onnx"))
    session = ort.InferenceSession(os.path.join(WORK, "digits.onnx"), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name

    batch = X[:64]
    routes = {
        "eager": lambda: digits(batch),
        "TorchScript": lambda: scripted(batch),
        "torch.export": lambda: exported(batch),
        "torch.compile\n(inductor)": lambda: compiled(batch),
        "ONNX Runtime": lambda: session.run(None, {name: batch.numpy()})[0],
        "onnx_predict\n(new session\neach call)": lambda: onnx_predict(os.path.join(WORK, "digits.onnx"), batch.numpy()),
    }
    with torch.no_grad():
        reference = digits(batch).argmax(1).numpy()
        times = {}
        for route, run in routes.items():
            start = time.perf_counter()
            out = np.asarray(run())                      # the first call: compiles, for torch.compile
            first = time.perf_counter() - start
            start = time.perf_counter()
            for _ in range(50):
                run()
            times[route] = (time.perf_counter() - start) / 50 * 1e3
            print(f"{route.splitlines()[0]:14s} same predictions: {bool((out.argmax(1) == reference).all())}   "
                  f"first call {first:5.2f} s")
    print("file sizes:", {f: os.path.getsize(os.path.join(WORK, f)) for f in ("digits.pt", "digits.onnx")})
    plt.figure(figsize=(9, 3.5))
    plt.bar(list(times), list(times.values()),
            color=["grey", "tab:blue", "tab:orange", "tab:red", "tab:green", "tab:olive"])
    plt.ylabel("ms per batch of 64")
    plt.title("The same digit classifier, run six ways")
    plt.tight_layout()
    plt.show()


if __name__ == "__main__":
    with needs("to_torchscript", "save_and_load", "export_with_dynamic_batch", "compile_model", "export_onnx",
               "onnx_predict"):
        deploy_digits()
