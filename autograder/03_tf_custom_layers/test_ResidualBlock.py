"""Hidden tests of ResidualBlock: relu(L2(relu(L1(x))) + s(x)), with the identity shortcut
or a LinearLayer projection, and nothing else inside."""
from itertools import permutations

import numpy as np

from dlcourse.grading import expect, graded, probe


@probe
def probe_block(mod, x, units, biases):
    block = mod.ResidualBlock(units)
    block(tf.constant(x))
    linear = [layer for layer in block._flatten_layers(include_self=False, recursive=True)
              if isinstance(layer, mod.LinearLayer) and len(layer.weights) > 0]
    pairs = []
    for layer, bias in zip(linear, biases):
        for w in layer.weights:
            if len(w.shape) == 1:
                w.assign(bias)
        kernel = [w.numpy() for w in layer.weights if len(w.shape) == 2]
        bias_now = [w.numpy() for w in layer.weights if len(w.shape) == 1]
        if len(kernel) == 1 and len(bias_now) == 1:
            pairs.append([kernel[0], bias_now[0]])
    return {"is_layer": isinstance(block, keras.layers.Layer), "n_linear": len(linear),
            "n_weights": len(block.weights), "pairs": pairs, "y": np.asarray(block(tf.constant(x)))}


def _relu(z):
    return np.maximum(z, 0.0)


def _matches(got, x, projected):
    """Does the output equal the formula for some assignment of the block's LinearLayers to roles?"""
    y = np.asarray(got["y"], dtype=np.float64)
    x = x.astype(np.float64)
    for roles in permutations(got["pairs"]):
        (w1, b1), (w2, b2) = roles[0], roles[1]
        try:
            shortcut = x @ roles[2][0] + roles[2][1] if projected else x
            expected = _relu(_relu(x @ w1 + b1) @ w2 + b2 + shortcut)
        except ValueError:  # shapes that do not fit this assignment
            continue
        if expected.shape == y.shape and np.allclose(y, expected, rtol=1e-4, atol=1e-5):
            return True
    return False


def _draw(rng, projected, rank=2):
    units = int(rng.integers(2, 9))
    d = int(rng.choice([v for v in range(2, 11) if v != units])) if projected else units
    steps = [int(rng.choice([v for v in range(2, 11) if v not in (units, d)]))] if rank == 3 else []
    # enough rows that every unit of L2 is negative somewhere: where it matters that L2 has no activation
    x = rng.standard_normal((int(rng.integers(32, 65)), *steps, d)).astype("float32")
    biases = [rng.normal(0.0, 0.5, units).astype("float32") for _ in range(3)]
    return x, units, biases


@graded("ResidualBlock", points=2)
def test_residual_block_identity_shortcut_when_widths_match(sub, rng):
    for rank in (2, 3):   # rank 3: (batch, steps, features), the width is the last axis
        x, units, biases = _draw(rng, projected=False, rank=rank)
        got = sub.run(probe_block, x, units, biases)
        expect(len(got["pairs"]) == 2,
               "when the input width (its last axis) equals units, ResidualBlock should hold two built "
               "LinearLayers (L1 and L2)")
        expect(_matches(got, x, projected=False),
               "when the input width equals units, ResidualBlock should return relu(L2(relu(L1(x))) + x), "
               "with L2 without activation")


@graded("ResidualBlock", points=2)
def test_residual_block_projects_shortcut_when_widths_differ(sub, rng):
    x, units, biases = _draw(rng, projected=True)
    got = sub.run(probe_block, x, units, biases)
    expect(len(got["pairs"]) == 3,
           "when the input width differs from units, ResidualBlock should hold three built LinearLayers "
           "(L1, L2 and the projection)")
    expect(_matches(got, x, projected=True),
           "when the input width differs from units, ResidualBlock should return relu(L2(relu(L1(x))) + P(x)), "
           "P a LinearLayer(units) without activation")


@graded("ResidualBlock", points=1)
def test_residual_block_holds_only_its_linear_layers(sub, rng):
    for projected in (False, True):
        x, units, biases = _draw(rng, projected)
        got = sub.run(probe_block, x, units, biases)
        expect(got["is_layer"], "ResidualBlock should be a keras.layers.Layer")
        n = 3 if projected else 2
        expect(got["n_linear"] == n and got["n_weights"] == 2 * n,
               f"a built ResidualBlock whose input width {'differs from' if projected else 'equals'} units "
               f"should hold {n} LinearLayers and {2 * n} weights, nothing else")
