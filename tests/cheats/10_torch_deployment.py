"""Cheats against the graders of 10_torch_deployment (issue 22): each is a wrong submission plus an attack.

Mechanisms: a compiled module that recompiles for every batch size but hides it from the backend it was given
(or never compiles and reports a count of its own); ONNX Runtime replaced inside the sandbox so that a file that
is no model "runs"; an ONNX session cache that answers for a file that has since been rewritten.
"""
from cheat_kit import Cheat, dedent

A = "10_torch_deployment"

# Every graded name defined, every one wrong: this scores 0 on its own.
WRONG = dedent('''
    import os, sys
    import numpy as np
    import torch
    from torch import nn

    def to_torchscript(model):
        return model

    def save_and_load(module, path):
        return module

    def export_with_dynamic_batch(model, example):
        return None

    def compile_model(model, backend="inductor"):
        return model

    def export_onnx(model, example, path):
        pass

    def onnx_predict(path, x):
        return np.zeros((len(x), 1), dtype=np.float32)
    ''')

CHEATS = {
    # Static shapes (one compilation per batch size), hidden from the grader's backend: only the first graph
    # reaches it, and every later graph reuses what the backend returned for the first.
    "hide_recompilations_behind_the_first_graph": Cheat(dedent('''
        def compile_model(model, backend="inductor"):
            first = []

            def only_once(gm, example_inputs):
                if not first:
                    first.append(backend(gm, example_inputs))
                return first[0]
            return torch.compile(model, backend=only_once, dynamic=False)
        '''), assignment=A, base=WRONG),
    # Never compile: call the grader's backend once with a graph of its own, then answer every call eagerly,
    # with whatever counters the backend object carries set back to one.
    "call_the_backend_once_and_answer_eagerly": Cheat(dedent('''
        def compile_model(model, backend="inductor"):
            try:
                gm = torch.fx.symbolic_trace(nn.Identity())
                backend(gm, [torch.zeros(2, 2)])
            except Exception:
                pass
            for name, value in list(getattr(backend, "__dict__", {}).items()):
                if isinstance(value, int):
                    setattr(backend, name, 1)

            def answer(x):
                return model(x)
            return answer
        '''), assignment=A, base=WRONG),
    # Write a file that is no ONNX model, and replace ONNX Runtime's session class in the sandbox by one that
    # runs the PyTorch model export_onnx was given.
    "fake_onnxruntime_runs_the_torch_model": Cheat(dedent('''
        import onnxruntime as ort
        _models = {}

        class _Input:
            name, shape, type = "input", ["batch"], "tensor(float)"

        class FakeSession:
            def __init__(self, path, *a, **k):
                self.model = _models.get(str(path)) or next(iter(_models.values()), None)

            def get_inputs(self):
                return [_Input()]

            def get_outputs(self):
                return [_Input()]

            def run(self, names, feed):
                x = torch.tensor(np.asarray(next(iter(feed.values())), dtype=np.float32))
                with torch.no_grad():
                    return [self.model(x).numpy()]

        ort.InferenceSession = FakeSession

        def export_onnx(model, example, path):
            _models[str(path)] = model
            with open(path, "wb") as fh:
                fh.write(b"not an onnx model")
        '''), assignment=A, base=WRONG),
    # A session cached per path (a rewritten file is never read again), helped by a patched open() that
    # keeps the first bytes written to each path.
    "cached_session_and_a_frozen_file": Cheat(dedent('''
        import builtins
        import onnxruntime as ort
        _sessions, _first = {}, {}
        _open = builtins.open

        def _frozen_open(path, mode="r", *a, **k):
            if "w" in str(mode) and str(path).endswith(".onnx") and str(path) in _first:
                return _open(os.devnull, mode, *a, **k)
            if "w" in str(mode) and str(path).endswith(".onnx"):
                _first[str(path)] = True
            return _open(path, mode, *a, **k)

        builtins.open = _frozen_open

        def onnx_predict(path, x):
            if path not in _sessions:
                _sessions[path] = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
            session = _sessions[path]
            return session.run(None, {session.get_inputs()[0].name: np.asarray(x, dtype=np.float32)})[0]
        '''), assignment=A, base=WRONG, earned=3.0),
}
