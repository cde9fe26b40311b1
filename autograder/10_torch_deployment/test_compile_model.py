"""Hidden graders of compile_model: torch.compile with the given backend, eager's outputs, one graph for every
batch size, graph breaks allowed.

The probe hands compile_model a backend of the grader's own: the j-th graph it compiles runs with j times a
secret offset added to its floating outputs. The trusted side reads from the outputs alone whether they went
through the backend (eager + j * offset, j >= 1) and which graph produced each batch: a recompilation shows as a
batch answered with 2 * offset, and a graph run on static sizes it was not compiled for adds half an offset more.
Nothing the learner's process says about itself is counted.
Grading uses this cheap backend, never Inductor (seconds per graph).
"""
import numpy as np
import torch

from dlcourse.grading import close, expect, graded, probe


def build(kind, state):
    """The grader's model (eval mode): an MLP, or a Gate whose forward branches on the input's values."""
    from torch import nn

    class Gate(nn.Module):
        def __init__(self, d, k):
            super().__init__()
            self.pos = nn.Linear(d, k)
            self.neg = nn.Linear(d, k)

        def forward(self, x):
            if x.sum() > 0:
                return self.pos(x)
            return -self.neg(x)

    if kind == "gate":
        k, d = state["pos.weight"].shape
        model = Gate(d, k)
    else:
        h, d = state["0.weight"].shape
        k = state["2.weight"].shape[0]
        model = nn.Sequential(nn.Linear(d, h), nn.Tanh(), nn.Linear(h, k))
    model.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    return model.eval()


@probe(uses=[build])
def probe_compile(mod, kind, state, batches, offset):
    import torch._dynamo

    torch._dynamo.reset()
    model = build(kind, state)

    def counting(offset):
        seen = 0

        def backend(gm, example_inputs):
            nonlocal seen
            seen += 1
            shift = offset * seen           # graph number j adds j * offset to its floating outputs
            # the static sizes this graph was compiled for (a symbolic size may vary)
            specs = [tuple(d if type(d) is int else None for d in node.meta["example_value"].shape)
                     if torch.is_tensor(node.meta.get("example_value")) else None
                     for node in gm.graph.nodes if node.op == "placeholder"]

            def run(*args):
                fits = all(spec is None or not torch.is_tensor(a) or (a.dim() == len(spec) and all(
                    size is None or size == n for size, n in zip(spec, a.shape))) for spec, a in zip(specs, args))
                shift_now = shift if fits else shift + offset / 2     # a graph run on sizes it was not made for
                outs = gm.forward(*args)
                move = lambda o: o + shift_now if torch.is_tensor(o) and o.is_floating_point() else o   # noqa: E731
                return type(outs)(move(o) for o in outs) if isinstance(outs, (tuple, list)) else move(outs)
            return run
        return backend

    compiled = mod.compile_model(model, backend=counting(offset))
    outputs = []
    with torch.no_grad():
        for x in batches:
            out = compiled(torch.tensor(x))
            outputs.append(out.detach().double().numpy() if torch.is_tensor(out) else repr(type(out))[:60])
    return outputs


def mlp_state(rng, d):
    h, k = int(rng.integers(9, 16)), int(rng.integers(2, 6))
    return {"0.weight": (rng.standard_normal((h, d)) / np.sqrt(d)).astype(np.float32),
            "0.bias": (rng.standard_normal(h) * 0.1).astype(np.float32),
            "2.weight": (rng.standard_normal((k, h)) / np.sqrt(h)).astype(np.float32),
            "2.bias": (rng.standard_normal(k) * 0.1).astype(np.float32)}


def gate_state(rng, d):
    k = int(rng.integers(2, 6))
    return {f"{side}.{what}": (rng.standard_normal(shape) / np.sqrt(d)).astype(np.float32)
            for side in ("pos", "neg") for what, shape in (("weight", (k, d)), ("bias", (k,)))}


def batch_sizes(rng, count, avoid):
    """Distinct batch sizes of at least 2 (1 is always specialised), none equal to another size of the model
    (duck sizing would tie the batch to it)."""
    pool = [n for n in range(2, 65) if n not in avoid]
    return [int(n) for n in rng.choice(pool, size=count, replace=False)]


def eager(kind, state, x):
    with torch.no_grad():
        return build(kind, state)(torch.tensor(x)).double().numpy()


def run(sub, rng, kind, state, batches):
    """Each batch's output, checked against eager; returns the number j of the graph that produced each one
    (the grader's backend adds j * offset to the outputs of the j-th graph it compiles)."""
    offset = float(rng.uniform(1.0, 2.0))
    outputs = sub.run(probe_compile, kind, state, batches, offset)
    expect(type(outputs) is list and len(outputs) == len(batches), "compile_model's module gave no output for a batch")
    graphs = []
    for out, x in zip(outputs, batches):
        expect(type(out) is np.ndarray, f"compile_model's module returned a {out}, not a tensor")
        want = eager(kind, state, x)
        expect(out.shape == want.shape, f"on a batch of {len(x)} rows the compiled module's output has shape "
                                        f"{out.shape}, the model's {want.shape}")
        expect(not np.allclose(out, want, atol=1e-5),
               "compile_model's module gives the model's outputs without running the graphs through the backend "
               "it was given: pass that backend to torch.compile")
        j = int(np.rint(np.mean(out - want) / offset))
        close(out, want + j * offset, f"on a batch of {len(x)} rows the compiled module's output differs from the "
              "model's", rtol=1e-5, atol=1e-5)
        expect(j >= 1, "compile_model's module did not run the graphs the backend compiled")
        graphs.append(j)
    return graphs


@graded("compile_model", points=2)
def test_compile_model_matches_eager(sub, rng):
    d = int(rng.integers(3, 8))
    state = mlp_state(rng, d)
    avoid = {d, state["0.weight"].shape[0], state["2.weight"].shape[0]}
    batches = [rng.standard_normal((n, d)).astype(np.float32) for n in batch_sizes(rng, 3, avoid)]
    run(sub, rng, "mlp", state, batches)


@graded("compile_model", points=2)
def test_compile_model_compiles_once_across_batch_sizes(sub, rng):
    d = int(rng.integers(3, 8))
    state = mlp_state(rng, d)
    avoid = {d, state["0.weight"].shape[0], state["2.weight"].shape[0]}
    sizes = batch_sizes(rng, 4, avoid)
    graphs = run(sub, rng, "mlp", state, [rng.standard_normal((n, d)).astype(np.float32) for n in sizes])
    expect(max(graphs) == 1, f"for {len(sizes)} batch sizes the model was compiled {max(graphs)} times: "
                             "compile with dynamic shapes so that one graph serves every batch size")


@graded("compile_model", points=1)
def test_compile_model_allows_graph_breaks(sub, rng):
    d = int(rng.integers(3, 8))
    state = gate_state(rng, d)
    sizes = batch_sizes(rng, 2, {d, state["pos.weight"].shape[0]})
    batches = [np.abs(rng.standard_normal((sizes[0], d))).astype(np.float32),            # takes the `if` branch
               -np.abs(rng.standard_normal((sizes[1], d))).astype(np.float32)]           # takes the other
    run(sub, rng, "gate", state, batches)
