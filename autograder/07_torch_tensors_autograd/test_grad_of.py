"""Hidden graders of grad_of: correct gradients, no .grad left on x, no graph kept."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe

KINDS = ("cubic", "trig", "logsumexp", "norm")


@probe
def probe_grad_of(mod, kind, x, w, calls):
    # Call grad_of `calls` times on the same leaf x; report each result and what x looks like after.
    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(w)
    functions = {
        "cubic": lambda v: (wt * v**3).sum(),
        "trig": lambda v: (wt * torch.sin(v)).sum() + v.sum() ** 2,
        "logsumexp": lambda v: torch.logsumexp((wt * v).reshape(-1), dim=0),
        "norm": lambda v: torch.sqrt((v * v).sum()),
    }
    results, requires_grad, has_grad_fn = [], [], []
    for _ in range(calls):
        g = mod.grad_of(functions[kind], xt)
        g = torch.as_tensor(g)
        requires_grad.append(bool(g.requires_grad))
        has_grad_fn.append(g.grad_fn is not None)
        results.append(g.detach().clone().numpy())
    return {"results": results, "x_grad_is_none": xt.grad is None, "requires_grad": requires_grad,
            "has_grad_fn": has_grad_fn}


def expected_gradient(kind, x, w):
    if kind == "cubic":
        return 3 * w * x**2
    if kind == "trig":
        return w * np.cos(x) + 2 * x.sum()
    if kind == "logsumexp":
        z = (w * x).ravel()
        soft = np.exp(z - z.max())
        return w * (soft / soft.sum()).reshape(x.shape)
    return x / np.sqrt((x * x).sum())


def draw(rng):
    shape = tuple(int(d) for d in rng.integers(1, 5, size=int(rng.integers(1, 3))))
    return rng.standard_normal(shape), rng.uniform(-2, 2, size=shape)


@graded("grad_of", points=2)
def test_grad_of_values(sub, rng):
    for kind in KINDS:
        x, w = draw(rng)
        got = sub.run(probe_grad_of, kind, x, w, 2)
        want = expected_gradient(kind, x, w)
        close(got["results"][0], want, "grad_of returned a wrong gradient of f at x", rtol=1e-6, atol=1e-9)
        close(got["results"][1], want, "calling grad_of a second time on the same x gave a different gradient: "
              "gradients from the first call must not add up with the second", rtol=1e-6, atol=1e-9)


@graded("grad_of", points=1)
def test_grad_of_leaves_x_grad_unset(sub, rng):
    for kind in ("cubic", "norm"):
        x, w = draw(rng)
        got = sub.run(probe_grad_of, kind, x, w, 1)
        expect(got["x_grad_is_none"], "after grad_of(f, x), x.grad is set; grad_of must leave x.grad as it was (None)")


@graded("grad_of", points=1)
def test_grad_of_returns_tensor_without_graph(sub, rng):
    for kind in ("trig", "logsumexp"):
        x, w = draw(rng)
        got = sub.run(probe_grad_of, kind, x, w, 1)
        expect(not got["requires_grad"][0] and not got["has_grad_fn"][0],
               "the gradient grad_of returns is still part of a graph (it requires grad); "
               "return a plain tensor and do not keep the graph")
