"""Hidden graders of SquarePlus: an autograd.Function whose forward and backward are accurate to a relative
1e-6 in float64 for |x| up to about 1e9 (no cancellation for x << 0), and whose backward passes gradcheck."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe

RTOL = 1e-6        # the notebook states it: relative, float64, inputs between about -1e9 and 1e9


@probe
def probe_forward(mod, x):
    out = mod.SquarePlus.apply(torch.tensor(x))
    return torch.as_tensor(out).detach().double().numpy()


@probe
def probe_backward(mod, x, upstream):
    xt = torch.tensor(x, requires_grad=True)
    mod.SquarePlus.apply(xt).backward(torch.tensor(upstream))
    return None if xt.grad is None else xt.grad.detach().double().numpy()


@probe
def probe_gradcheck(mod, x, upstream):
    # The function's own values on x, its gradient for one upstream, then torch's gradcheck on it.
    cls = mod.SquarePlus
    out = {"is_function": isinstance(cls, type) and issubclass(cls, torch.autograd.Function)}
    xt = torch.tensor(x, requires_grad=True)
    y = cls.apply(xt)
    out["values"] = torch.as_tensor(y).detach().double().numpy()
    y.backward(torch.tensor(upstream))
    out["grad"] = None if xt.grad is None else xt.grad.detach().double().numpy()
    try:
        ok = torch.autograd.gradcheck(cls.apply, (torch.tensor(x, requires_grad=True),), raise_exception=False)
        out["gradcheck"] = ok is True
    except Exception:  # an error inside the learner's backward counts as a failed check
        out["gradcheck"] = False
    return out


def squareplus(x):
    """(x + sqrt(x^2 + 4)) / 2 without cancellation for large negative x."""
    root = np.sqrt(x * x + 4)
    return np.where(x >= 0, (x + root) / 2, 2 / (root - x))


def slope(x):
    """d squareplus / dx = (1 + x / sqrt(x^2 + 4)) / 2, without cancellation for large negative x."""
    root = np.sqrt(x * x + 4)
    return np.where(x >= 0, (1 + x / root) / 2, 2 / (root * (root - x)))


def inputs(rng):
    """float64 in a random 2-D shape: ordinary values, and about a third of large magnitude (10 to 1e9), always
    including one x << 0 where x + sqrt(x*x + 4) cancels (between -1e6 and -1e9) and one negative ordinary value."""
    shape = (int(rng.integers(2, 6)), int(rng.integers(2, 6)))
    x = rng.standard_normal(shape) * 3
    big = rng.random(shape) < 0.35
    x[big] = np.sign(rng.standard_normal(int(big.sum()))) * 10 ** rng.uniform(1, 9, size=int(big.sum()))
    x.flat[0], x.flat[1] = -abs(x.flat[0]) - 0.5, -(10 ** rng.uniform(6, 9))
    return rng.permutation(x.ravel()).reshape(shape)


@graded("SquarePlus", points=2)
def test_squareplus_forward_values(sub, rng):
    for _ in range(2):
        x = inputs(rng)
        close(sub.run(probe_forward, x), squareplus(x),
              "SquarePlus.apply(x) should be (x + sqrt(x*x + 4)) / 2 elementwise, to a relative 1e-6 in float64 "
              "also for x << 0, where the formula as written cancels (see Exercise 8)", rtol=RTOL, atol=0.0)


@graded("SquarePlus", points=2)
def test_squareplus_backward_values(sub, rng):
    for _ in range(2):
        x = inputs(rng)
        upstream = rng.standard_normal(x.shape)
        got = sub.run(probe_backward, x, upstream)
        expect(got is not None, "after backward through SquarePlus.apply(x), x.grad is None")
        close(got, upstream * slope(x), "the gradient of SquarePlus is wrong: backward must return the upstream "
              "gradient times d/dx of (x + sqrt(x*x + 4)) / 2, to a relative 1e-6 in float64 also for x << 0 "
              "(the derivative cancels there too)", rtol=RTOL, atol=0.0)


@graded("SquarePlus", points=1)
def test_squareplus_is_function_passing_gradcheck(sub, rng):
    x = rng.standard_normal(int(rng.integers(3, 8))) * 2
    upstream = rng.standard_normal(x.shape)
    got = sub.run(probe_gradcheck, x, upstream)
    # the function must work before its gradcheck counts: a constant function passes gradcheck too
    close(got["values"], squareplus(x), "SquarePlus.apply(x) gives wrong values, so its gradcheck cannot count",
          rtol=RTOL, atol=0.0)
    expect(got["grad"] is not None, "after backward through SquarePlus.apply(x), x.grad is None")
    close(got["grad"], upstream * slope(x), "the gradient of SquarePlus is wrong, so its gradcheck cannot count",
          rtol=RTOL, atol=0.0)
    expect(got["is_function"], "SquarePlus should be a class that subclasses torch.autograd.Function")
    expect(got["gradcheck"], "torch.autograd.gradcheck(SquarePlus.apply, (x,)) fails in float64")
