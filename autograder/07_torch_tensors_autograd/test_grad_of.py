"""Hidden graders of grad_of: correct gradients, no .grad left on x, no graph kept."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe

KINDS = ("cubic", "trig", "logsumexp", "norm")


def requires_grad(t):
    """t.requires_grad read through torch's own C descriptor (a property patched onto torch.Tensor cannot fake it)."""
    for klass in t.__class__.__mro__:
        found = klass.__dict__.get("requires_grad")
        if found is not None and found.__class__.__name__ == "getset_descriptor":
            return found.__get__(t) is True
    return None


@probe(uses=[requires_grad])
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
    results, graph = [], []
    for _ in range(calls):
        g = torch.as_tensor(mod.grad_of(functions[kind], xt))
        graph.append([requires_grad(g), g.grad_fn is not None])
        results.append(g.detach().clone().double().numpy())
    return {"results": results, "graph": graph,
            "x_grad": None if xt.grad is None else xt.grad.detach().double().numpy()}


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


def gradient_right(got, want):
    close(got["results"][0], want, "grad_of returned a wrong gradient of f at x", rtol=1e-6, atol=1e-9)


@graded("grad_of", points=2)
def test_grad_of_values(sub, rng):
    for kind in KINDS:
        x, w = draw(rng)
        got = sub.run(probe_grad_of, kind, x, w, 2)
        want = expected_gradient(kind, x, w)
        gradient_right(got, want)
        close(got["results"][1], want, "calling grad_of a second time on the same x gave a different gradient: "
              "gradients from the first call must not add up with the second", rtol=1e-6, atol=1e-9)


@graded("grad_of", points=1)
def test_grad_of_leaves_x_grad_unset(sub, rng):
    for kind in ("cubic", "norm"):
        x, w = draw(rng)
        got = sub.run(probe_grad_of, kind, x, w, 1)
        gradient_right(got, expected_gradient(kind, x, w))        # doing nothing must earn nothing
        expect(got["x_grad"] is None, "after grad_of(f, x), x.grad is set; grad_of must leave x.grad as it was (None)")


@graded("grad_of", points=1)
def test_grad_of_returns_tensor_without_graph(sub, rng):
    for kind in ("trig", "logsumexp"):
        x, w = draw(rng)
        got = sub.run(probe_grad_of, kind, x, w, 1)
        gradient_right(got, expected_gradient(kind, x, w))
        expect(got["graph"][0] == [False, False],
               "the gradient grad_of returns is still part of a graph (it requires grad); "
               "return a plain tensor and do not keep the graph")
