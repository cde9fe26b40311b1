"""Cheats against 07's graders: tests of what a function must NOT do (leave x.grad set, keep a graph, change the
modes, run with autograd, replace the parameters) must pay nothing to a function that does nothing, and nothing
the learner's process reports about itself (flags, spies, gradcheck) may decide a point on its own."""
from cheat_kit import Cheat, dedent

A = "07_torch_tensors_autograd"

# Every graded name defined, none working: each one "does nothing" in the way that satisfies a negative test.
NOTHING = dedent('''
    import torch
    def tensor_summary(t):
        return {}
    def best_device():
        return "cpu"
    def to_patches(img, p):
        return torch.zeros(1)
    def grad_of(f, x):
        return torch.zeros_like(x).detach()          # no x.grad left, no graph kept: but no gradient either
    def freeze(module, prefixes):
        pass                                          # every parameter stays trainable
    def predict(model, x):
        return torch.zeros(1)                         # modes untouched, no autograd used
    def manual_sgd_step(model, loss, lr):
        pass                                          # gradients never set, parameters stay the same leaves
    class SquarePlus(torch.autograd.Function):      # a constant function passes gradcheck
        @staticmethod
        def forward(ctx, x):
            return x * 0
        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * 0
    ''')

# predict right in eval mode and restoring every mode, but running with autograd on: 1 + 2 points are earned
PREDICT_WITH_AUTOGRAD = dedent('''
    def predict(model, x):
        modes = [(m, m.training) for m in model.modules()]
        model.eval()
        try:
            return model(x)
        finally:
            for m, mode in modes:
                m.training = mode
    ''')

CHEATS = {
    "t07_does_nothing_without_side_effects": Cheat(
        "# the attack is the base itself: functions that compute nothing and so leave nothing behind",
        assignment=A, base=NOTHING),
    "t07_patched_builtins": Cheat(dedent('''
        import builtins
        builtins.all = lambda *a, **k: True
        builtins.any = lambda *a, **k: False
        builtins.isinstance = lambda *a, **k: True
        builtins.issubclass = lambda *a, **k: True
        builtins.callable = lambda *a, **k: True
        '''), assignment=A, base=NOTHING),
    "t07_patched_comparisons_and_tensor_flags": Cheat(dedent('''
        import numpy as np
        torch.Tensor.__eq__ = lambda self, other: True
        torch.Tensor.__ne__ = lambda self, other: False
        torch.Tensor.any = lambda self, *a, **k: torch.tensor(False)
        torch.Tensor.requires_grad = property(lambda self: False)
        torch.Tensor.is_leaf = property(lambda self: True)
        torch.Tensor.grad_fn = property(lambda self: None)
        torch.Tensor.grad = property(lambda self: None, lambda self, value: None)
        torch.equal = lambda *a, **k: True
        torch.allclose = lambda *a, **k: True
        torch.is_grad_enabled = lambda: True
        torch.nn.Module.training = property(lambda self: False, lambda self, value: None)
        '''), assignment=A, base=NOTHING),
    "t07_pytest_and_grading_patched_in_the_sandbox": Cheat(dedent('''
        import sys, types
        fake = types.ModuleType("pytest")
        fake.fail = lambda *a, **k: None
        fake.approx = lambda *a, **k: True
        sys.modules["pytest"] = fake
        try:
            import dlcourse.grading as grading
            grading.expect = lambda *a, **k: None
            grading.close = lambda *a, **k: None
        except Exception:
            pass
        '''), assignment=A, base=NOTHING),
    "t07_unpickling_builds_always_equal_values": Cheat(dedent('''
        import numpy as np
        class Equal(np.ndarray):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
        def _equal(*a):
            return np.zeros(1).view(Equal)
        class Liar(torch.Tensor):
            def __reduce_ex__(self, protocol): return (_equal, ())
            def numpy(self, *a, **k): return np.zeros(1).view(Equal)
            def double(self): return self
            def detach(self): return self
            def clone(self): return self
        def grad_of(f, x):
            return torch.zeros_like(x).as_subclass(Liar)
        def predict(model, x):
            return torch.zeros(1).as_subclass(Liar)
        def to_patches(img, p):
            return torch.zeros(1).as_subclass(Liar)
        '''), assignment=A, base=NOTHING),
    "t07_gradcheck_replaced": Cheat(dedent('''
        import torch.autograd.gradcheck as _gc_module
        torch.autograd.gradcheck = lambda *a, **k: True
        _gc_module.gradcheck = lambda *a, **k: True
        '''), assignment=A, base=NOTHING),
    "t07_predict_fakes_the_autograd_probes": Cheat(dedent('''
        # predict works except that autograd records a graph; everything the probe could ask is faked
        _real_enabled = torch.is_grad_enabled
        torch.is_grad_enabled = lambda: False
        torch.Tensor.requires_grad = property(lambda self: False)
        torch.Tensor.grad_fn = property(lambda self: None)
        '''), assignment=A, base=NOTHING + PREDICT_WITH_AUTOGRAD, earned=3.0),
    "t07_predict_rewrites_the_spy": Cheat(dedent('''
        # the probe's spy keeps its record in a list on a module: find every such list and say "no autograd"
        def predict(model, x, _real=predict):
            out = _real(model, x)
            for module in model.modules():
                for value in list(vars(module).values()):
                    if isinstance(value, list):
                        value[:] = [[False, False] for _ in value]
            return out
        '''), assignment=A, base=NOTHING + PREDICT_WITH_AUTOGRAD, earned=3.0),
    "t07_sgd_new_parameters_disguised": Cheat(dedent('''
        # right weights, but new Parameter objects; the flags the probe reads are faked
        from torch import nn
        def manual_sgd_step(model, loss, lr):
            loss.backward()
            for module in model.modules():
                for name, param in list(module.named_parameters(recurse=False)):
                    setattr(module, name, nn.Parameter(param.detach() - lr * param.grad))
        torch.Tensor.is_leaf = property(lambda self: True)
        '''), assignment=A, base=NOTHING, earned=4.0),     # SGD's weights (3) and no gradients left (1) are right
}
