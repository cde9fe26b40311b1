"""Hidden graders of MLP: an nn.Module of logits, with dropout in training mode only, able to learn XOR."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_forward(mod, sizes, x, seed):
    torch.set_grad_enabled(True)                # whatever an earlier call left switched off
    torch.manual_seed(seed)
    d, h, k = sizes
    model = mod.MLP(d, h, k)
    out = torch.as_tensor(model(torch.tensor(x)))
    params = list(model.parameters()) if isinstance(model, torch.nn.Module) else []
    if out.requires_grad:
        out.sum().backward()
    return {"is_module": isinstance(model, torch.nn.Module), "shape": [int(s) for s in out.shape],
            "out": out.detach().double().numpy(), "n_params": len(params),
            "all_grads": bool(params) and all(p.grad is not None and bool(p.grad.abs().sum() > 0) for p in params)}


@probe
def probe_dropout(mod, sizes, x, p, seed):
    torch.manual_seed(seed)
    d, h, k = sizes
    model = mod.MLP(d, h, k, dropout=p)
    xt = torch.tensor(x)
    with torch.no_grad():
        model.train()
        a, b = model(xt), model(xt)
        model.eval()
        c, e = model(xt), model(xt)
    return {"train_a": a.double().numpy(), "train_b": b.double().numpy(),
            "eval_a": c.double().numpy(), "eval_b": e.double().numpy()}


@probe
def probe_learns_xor(mod, train, x_test, seed):
    # Train on the grader's points, then answer with logits on fresh points whose labels never enter this
    # process. ``train`` ([x, y]) is emptied first, so no frame holds the training labels at evaluation.
    torch.set_grad_enabled(True)                # whatever an earlier call left switched off
    torch.manual_seed(seed)
    inputs, targets = (torch.tensor(a) for a in train)
    train.clear()
    model = mod.MLP(2, 32, 2)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    model.train()
    for _ in range(300):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(inputs), targets).backward()
        optimizer.step()
    del inputs, targets
    model.eval()
    with torch.no_grad():
        return torch.as_tensor(model(torch.tensor(x_test))).detach().double().numpy()


def sizes_and_input(rng):
    d, h, k = int(rng.integers(2, 9)), int(rng.integers(8, 33)), int(rng.integers(2, 7))
    n = int(rng.integers(3, 17))
    return [d, h, k], rng.standard_normal((n, d)).astype(np.float32) * 2


def is_shaped(value, shape):
    """A float array of exactly this shape: checked before any arithmetic on what the learner's process sent."""
    return isinstance(value, np.ndarray) and value.shape == tuple(shape) and value.dtype.kind == "f"


def rotated_xor(rng, n):
    """n points in [-1, 1]^2 labelled by an XOR of two half-planes through 0, at a random rotation and a random angle
    between their lines (60 to 120 degrees), with a margin of 0.1 around both lines. The reference MLP reached 1.0
    accuracy on fresh points of this pattern for 60 seeds out of 60."""
    theta, gap = rng.uniform(0, 2 * np.pi), rng.uniform(np.pi / 3, 2 * np.pi / 3)
    u = np.array([np.cos(theta), np.sin(theta)])
    v = np.array([np.cos(theta + gap), np.sin(theta + gap)])
    parts, count = [], 0
    while count < n:
        x = rng.uniform(-1, 1, size=(4 * n, 2))
        x = x[(np.abs(x @ u) > 0.1) & (np.abs(x @ v) > 0.1)]
        parts.append(x)
        count += len(x)
    x = np.concatenate(parts)[:n].astype(np.float32)
    return x, ((x @ u > 0) ^ (x @ v > 0)).astype(np.int64)


@graded("MLP", points=1)
def test_mlp_returns_logits_of_the_right_shape(sub, rng):
    for _ in range(2):
        sizes, x = sizes_and_input(rng)
        got = sub.run(probe_forward, sizes, x, int(rng.integers(2**31)))
        expect(got["is_module"], "MLP(...) should create an nn.Module")
        expect(is_shaped(got["out"], (len(x), sizes[2])),
               "MLP(in_features, hidden, out_features) should map a float (N, in_features) batch to (N, out_features)")
        expect(got["all_grads"], "after a backward pass through the MLP's output some parameter got no gradient "
                                 "(are all layers registered as attributes of the module?)")
        out = got["out"]
        probabilities = bool(np.all(out >= 0) and np.allclose(out.sum(axis=1), 1, atol=1e-4))
        expect(not probabilities, "the MLP's output rows are probabilities that sum to 1: return logits "
                                  "(no softmax), as nn.CrossEntropyLoss expects")


@graded("MLP", points=1)
def test_mlp_dropout_only_in_training_mode(sub, rng):
    sizes, x = sizes_and_input(rng)
    sizes[1] = int(rng.integers(48, 97))
    x = np.concatenate([x, np.abs(x) + 0.5])            # plenty of active hidden units
    shape = (len(x), sizes[2])
    got = sub.run(probe_dropout, sizes, x, 0.5, int(rng.integers(2**31)))
    expect(all(is_shaped(got[key], shape) for key in ("train_a", "train_b", "eval_a", "eval_b")),
           "MLP(in_features, hidden, out_features, dropout) should map (N, in_features) to (N, out_features)")
    expect(not np.allclose(got["train_a"], got["train_b"]),
           "with dropout=0.5 in training mode, two forward passes on the same input gave equal outputs: "
           "dropout is not applied")
    close(got["eval_a"], got["eval_b"], "in eval mode two forward passes on the same input should be equal "
          "(dropout must be off in eval mode)", rtol=1e-6, atol=1e-7)
    got = sub.run(probe_dropout, sizes, x, 0.0, int(rng.integers(2**31)))
    expect(all(is_shaped(got[key], shape) for key in ("train_a", "eval_a")),
           "MLP(in_features, hidden, out_features, dropout) should map (N, in_features) to (N, out_features)")
    close(got["train_a"], got["eval_a"], "with dropout=0.0 the training-mode output should equal the "
          "eval-mode output", rtol=1e-6, atol=1e-7)


@graded("MLP", points=1)
def test_mlp_learns_xor(sub, rng):
    x, y = rotated_xor(rng, 512)
    logits = sub.run(probe_learns_xor, [x[:256], y[:256]], x[256:], int(rng.integers(2**31)))
    expect(is_shaped(logits, (256, 2)), "MLP(2, 32, 2) should map (N, 2) inputs to (N, 2) logits")
    acc = float((logits.argmax(axis=1) == y[256:]).mean())
    expect(acc >= 0.9, f"trained with Adam on an XOR pattern (the label is whether a point lies on the same side of "
           f"two lines through the origin), MLP(2, 32, 2) classified only {acc:.2f} of new points correctly: it needs "
           "a non-linearity between its layers")
