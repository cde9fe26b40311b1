"""Hidden graders of small_resnet: resnet18 adapted to 1x8x8 inputs, 8x8 kept through layer1, logits, trainable.

What layer1's forward hook reports runs in the learner's process; it is backed by what the trusted side can
check: with the same weights (filled by name from the run's seed, whatever order the model was built in),
the learner's model must give the logits that torchvision's resnet18 adapted as the Precisions say gives in a
clean worker that never loaded learner code.
"""
import numpy as np
from sklearn.datasets import load_digits

from dlcourse.grading import close, expect, graded, probe


def fill_weights(model, seed):
    """Give every floating parameter and buffer of ``model`` values drawn from ``seed`` and its name."""
    import zlib

    with torch.no_grad():
        for name, t in list(model.named_parameters()) + list(model.named_buffers()):
            if not t.is_floating_point():
                continue
            g = torch.Generator().manual_seed(seed + zlib.crc32(name.encode()))
            if name.endswith("running_var") or (t.dim() == 1 and name.endswith("weight")):
                t.copy_(0.5 + torch.rand(t.shape, generator=g))           # variances and batch-norm scales
            elif t.dim() > 1:
                t.copy_(torch.randn(t.shape, generator=g) * (t[0].numel() ** -0.5))
            else:
                t.copy_(0.1 * torch.randn(t.shape, generator=g))


@probe(uses=[fill_weights])
def probe_shapes(mod, num_classes, n, train, seed, x):
    torch.manual_seed(seed)
    model = mod.small_resnet(num_classes)
    fill_weights(model, seed)
    seen = []
    handle = torch.nn.Module.register_forward_hook(model.layer1, lambda module, inputs, output: seen.append(
        list(output.shape)))
    model.train(train)
    with torch.no_grad():
        out = model(torch.tensor(x))
    handle.remove()
    return {"layer1": seen, "out_shape": list(out.shape), "out": out.detach().double().numpy(),
            "n_params": int(sum(p.numel() for p in model.parameters()))}


@probe(uses=[fill_weights])
def probe_reference(mod, num_classes, train, seed, x):
    # In a clean worker: torchvision's resnet18 adapted as the Precisions of 13 say, with the same weights.
    import torchvision
    from torch import nn

    model = torchvision.models.resnet18(weights=None)
    model.conv1 = nn.Conv2d(1, 64, kernel_size=3, stride=1, padding=1, bias=False)
    model.maxpool = nn.Identity()
    model.fc = nn.Linear(512, num_classes)
    fill_weights(model, seed)
    model.train(train)
    with torch.no_grad():
        return model(torch.tensor(x)).double().numpy()


@probe
def probe_train(mod, images, labels, steps, seed):
    torch.manual_seed(seed)
    model = mod.small_resnet(10)
    model.train()
    params = list(model.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    x = torch.tensor(images, dtype=torch.float32).reshape(-1, 1, 8, 8)
    y = torch.tensor(labels, dtype=torch.long)
    losses, all_trainable, all_got_grad = [], all(p.requires_grad for p in params), None
    for step in range(steps):
        loss = torch.nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        if step == 0:
            all_got_grad = all(p.grad is not None and bool(p.grad.abs().sum() > 0) for p in params)
        opt.step()
        losses.append(float(loss))
    with torch.no_grad():
        losses.append(float(torch.nn.functional.cross_entropy(model(x), y)))
    return {"losses": losses, "all_trainable": all_trainable, "all_got_grad": bool(all_got_grad)}


def resnet18_params(num_classes):
    """torchvision's resnet18 has 11,689,512 parameters; conv1 7x7x3 -> 3x3x1 and fc 1000 -> num_classes."""
    return 11_689_512 - 64 * 3 * 7 * 7 + 64 * 1 * 3 * 3 - (512 * 1000 + 1000) + (512 * num_classes + num_classes)


@graded("small_resnet", points=2)
def test_small_resnet_keeps_8x8_through_layer1(sub, rng):
    for train in (True, False):
        n, k, seed = int(rng.integers(2, 6)), int(rng.integers(2, 12)), int(rng.integers(1 << 30))
        x = rng.random((n, 1, 8, 8)).astype(np.float32)
        got = sub.run(probe_shapes, k, n, train, seed, x)
        expect(len(got["layer1"]) == 1, "layer1 did not run exactly once in the forward pass")
        shape = tuple(got["layer1"][0])
        expect(shape == (n, 64, 8, 8),
               f"for a batch of {n} images of 1x8x8, layer1's output has shape {shape}; expected ({n}, 64, 8, 8): "
               "the first convolution and the pooling must keep the 8x8 spatial size")
        want = sub.clean(probe_reference, k, train, seed, x)
        close(got["out"], want, "with the same weights, small_resnet's logits differ from those of resnet18 with "
                                "conv1 = a 3x3 stride-1 convolution, maxpool = Identity and a new fc",
              rtol=1e-3, atol=1e-4)


@graded("small_resnet", points=2)
def test_small_resnet_logits_and_resnet18_layout(sub, rng):
    for train in (True, False):
        k, n = int(rng.integers(2, 15)), int(rng.integers(2, 6))
        got = sub.run(probe_shapes, k, n, train, int(rng.integers(1 << 30)), rng.random((n, 1, 8, 8)).astype(np.float32))
        expect(tuple(got["out_shape"]) == (n, k), f"small_resnet({k}) on a batch of {n} gives output shape "
                                                 f"{tuple(got['out_shape'])}; expected ({n}, {k}) logits")
        out = np.asarray(got["out"])
        probabilities = bool((out >= 0).all() and np.allclose(out.sum(axis=1), 1.0, atol=1e-4))
        expect(not probabilities, "small_resnet's outputs are probabilities (rows sum to 1): return raw logits")
        expect(got["n_params"] == resnet18_params(k),
               f"small_resnet({k}) has {got['n_params']:,} parameters; torchvision's resnet18 with conv1 = a 3x3, "
               f"stride-1, 1-channel convolution without bias and fc = Linear(512, {k}) has {resnet18_params(k):,}")


@graded("small_resnet", points=1)
def test_small_resnet_trains_on_a_batch_of_digits(sub, rng):
    X, y = load_digits(return_X_y=True)
    idx = rng.choice(len(y), size=32, replace=False)
    got = sub.run(probe_train, (X[idx] / 16.0).astype(np.float32), y[idx].astype(np.int64), 3, int(rng.integers(1 << 30)))
    expect(got["all_trainable"] and got["all_got_grad"],
           "after one backward pass some parameters of small_resnet have no gradient (frozen or outside the graph)")
    first, last = got["losses"][0], got["losses"][-1]
    expect(last < 0.5 * first, f"three Adam(1e-3) steps on one batch of 32 digits took the training loss only from "
                               f"{first:.3f} to {last:.3f}; a resnet18 adapted to 8x8 inputs gets it below half")
