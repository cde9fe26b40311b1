"""Hidden graders of checkpointed_forward: the plain forward's outputs and gradients, with recomputation."""
import numpy as np
import torch

from dlcourse.grading import close, expect, graded, probe


def build(state, n_blocks):
    from torch import nn

    d = state["0.0.weight"].shape[0]
    blocks = nn.Sequential(*[nn.Sequential(nn.Linear(d, d), nn.Tanh()) for _ in range(n_blocks)])
    blocks.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    return blocks


@probe(uses=[build])
def probe_checkpoint(mod, state, n_blocks, x, g, segments, input_grad):
    # Count each block's forward calls (a pre-hook fires even when a recomputation stops early).
    blocks = build(state, n_blocks)
    calls = [0] * n_blocks
    for i, block in enumerate(blocks):
        block.register_forward_pre_hook(lambda module, args, i=i: calls.__setitem__(i, calls[i] + 1))
    inp = torch.tensor(x).requires_grad_(input_grad)
    saved = [0]

    def pack(t):                        # every tensor autograd keeps for the backward pass
        saved[0] += t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = mod.checkpointed_forward(blocks, inp, segments)
    if not isinstance(out, torch.Tensor):
        return {"type": type(out).__name__}
    after_forward = list(calls)
    result = {"type": "Tensor", "out": out.detach().numpy().copy(), "after_forward": after_forward,
              "saved_bytes": int(saved[0])}
    if out.requires_grad:
        (out * torch.tensor(g)).sum().backward()
    result["after_backward"] = list(calls)
    result["grads"] = {name: None if p.grad is None else p.grad.numpy().copy() for name, p in blocks.named_parameters()}
    result["input_grad"] = None if inp.grad is None else inp.grad.numpy().copy()
    return result


def random_case(rng):
    n_blocks, d = int(rng.integers(4, 9)), int(rng.integers(4, 17))
    state = {}
    for i in range(n_blocks):
        state[f"{i}.0.weight"] = (rng.standard_normal((d, d)) / np.sqrt(d)).astype(np.float32)
        state[f"{i}.0.bias"] = (rng.standard_normal(d) * 0.1).astype(np.float32)
    n = int(rng.integers(2, 9))
    x = rng.standard_normal((n, d)).astype(np.float32)
    g = rng.standard_normal((n, d)).astype(np.float32)
    return state, n_blocks, x, g, int(rng.integers(2, min(4, n_blocks) + 1))


def plain_saved_bytes(state, n_blocks, x):
    """The bytes autograd saves for backward during the plain forward (computed here)."""
    blocks = build(state, n_blocks)
    saved = [0]

    def pack(t):
        saved[0] += t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        blocks(torch.tensor(x).requires_grad_(True))
    return saved[0]


def plain(state, n_blocks, x, g, input_grad):
    blocks = build(state, n_blocks)
    inp = torch.tensor(x).requires_grad_(input_grad)
    out = blocks(inp)
    (out * torch.tensor(g)).sum().backward()
    return (out.detach().numpy(), {name: p.grad.numpy() for name, p in blocks.named_parameters()},
            None if inp.grad is None else inp.grad.numpy())


def tensor_result(got):
    expect(got["type"] == "Tensor", f"checkpointed_forward should return the output tensor, got a {got['type']}")


def compare_grads(got, want, when):
    for name, value in want.items():
        expect(got["grads"][name] is not None, f"{when}, parameter {name} got no gradient through checkpointed_forward "
                                               "(use_reentrant=True loses them when the input does not require grad)")
        close(got["grads"][name], value, f"{when}, the gradient of parameter {name} differs from the plain forward's",
              rtol=1e-4, atol=1e-5)


@graded("checkpointed_forward", points=1)
def test_checkpointed_forward_matches_plain_forward(sub, rng):
    state, n_blocks, x, g, segments = random_case(rng)
    got = sub.run(probe_checkpoint, state, n_blocks, x, g, segments, True)
    tensor_result(got)
    out, _, _ = plain(state, n_blocks, x, g, True)
    close(got["out"], out, f"checkpointed_forward's output differs from blocks(x) ({n_blocks} blocks, {segments} segments)",
          rtol=1e-5, atol=1e-6)


@graded("checkpointed_forward", points=1)
def test_checkpointed_forward_gradients_match(sub, rng):
    state, n_blocks, x, g, segments = random_case(rng)
    got = sub.run(probe_checkpoint, state, n_blocks, x, g, segments, True)
    tensor_result(got)
    _, grads, input_grad = plain(state, n_blocks, x, g, True)
    compare_grads(got, grads, "for an input that requires grad")
    expect(got["input_grad"] is not None, "the input got no gradient through checkpointed_forward")
    close(got["input_grad"], input_grad, "the input's gradient differs from the plain forward's", rtol=1e-4, atol=1e-5)


@graded("checkpointed_forward", points=1)
def test_checkpointed_forward_parameter_gradients_without_input_grad(sub, rng):
    state, n_blocks, x, g, segments = random_case(rng)
    got = sub.run(probe_checkpoint, state, n_blocks, x, g, segments, False)
    tensor_result(got)
    _, grads, _ = plain(state, n_blocks, x, g, False)
    compare_grads(got, grads, "for an input that does not require grad (a batch of data)")


@graded("checkpointed_forward", points=1)
def test_checkpointed_forward_recomputes_during_backward(sub, rng):
    state, n_blocks, x, g, segments = random_case(rng)
    got = sub.run(probe_checkpoint, state, n_blocks, x, g, segments, True)
    tensor_result(got)
    out, grads, _ = plain(state, n_blocks, x, g, True)     # first of all, it must compute the right things
    close(got["out"], out, "checkpointed_forward's output differs from blocks(x)", rtol=1e-5, atol=1e-6)
    compare_grads(got, grads, "for an input that requires grad")
    expect(type(got.get("saved_bytes")) is int and got["saved_bytes"] < plain_saved_bytes(state, n_blocks, x),
           f"checkpointed_forward kept as many activations for backward as the plain forward ({n_blocks} blocks, "
           f"{segments} segments): nothing was checkpointed")
    expect(got["after_forward"] == [1] * n_blocks,
           f"during checkpointed_forward's forward pass each block should run once; counted {got['after_forward']}")
    recomputed = [b - f for b, f in zip(got["after_backward"], got["after_forward"])]
    expect(any(r > 0 for r in recomputed), "no block ran again during the backward pass: without recomputation, "
                                           "the activations were all stored, so nothing was checkpointed")
