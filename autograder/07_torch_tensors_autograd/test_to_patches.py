"""Hidden graders of to_patches: shape, row-major patch order, (C, p, p) order inside a patch, no loops."""
import time

import numpy as np
import torch
import torch.nn.functional as F

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_patches(mod, img, p):
    out = mod.to_patches(torch.from_numpy(img), p)
    return torch.as_tensor(out).detach().cpu().numpy()


@probe
def probe_patches_shape(mod, c, h, w, p, seed):
    img = torch.rand(c, h, w, generator=torch.Generator().manual_seed(seed))
    return [int(d) for d in torch.as_tensor(mod.to_patches(img, p)).shape]


def reference(img, p):
    """The patch matrix, computed here with torch's own im2col."""
    return F.unfold(torch.from_numpy(img)[None], p, stride=p)[0].T.numpy()


def random_image(rng, channels=(1, 4), patch=(1, 4), counts=(1, 5)):
    c = int(rng.integers(channels[0], channels[1] + 1))
    p = int(rng.integers(patch[0], patch[1] + 1))
    rows, cols = (int(v) for v in rng.integers(counts[0], counts[1] + 1, size=2))
    if rows == cols:
        cols += 1                                       # never square: H and W must not be confused
    img = rng.standard_normal((c, rows * p, cols * p)).astype(np.float32)
    return img, p


def right_shape(got, img, p):
    c, h, w = img.shape
    expect(isinstance(got, np.ndarray) and list(got.shape) == [(h // p) * (w // p), c * p * p],
           "a (C, H, W) image in p x p patches should give a tensor of shape (H//p * W//p, C*p*p); "
           "to_patches returned another shape")


@graded("to_patches", points=1)
def test_to_patches_shape(sub, rng):
    for _ in range(3):
        img, p = random_image(rng)
        right_shape(sub.run(probe_patches, img, p), img, p)


@graded("to_patches", points=1)
def test_to_patches_row_major_order(sub, rng):
    for _ in range(3):
        img, p = random_image(rng, channels=(1, 3), patch=(1, 3), counts=(2, 5))
        want = reference(img, p)
        got = sub.run(probe_patches, img, p)
        right_shape(got, img, p)
        # each row's values sorted: compares which patch sits in which row, whatever the order inside it
        close(np.sort(got, axis=1), np.sort(want, axis=1),
              "the patches are not in row-major order of their positions (left to right along the top "
              "row of patches, then the next row)", rtol=0, atol=0)


@graded("to_patches", points=1)
def test_to_patches_values_within_patch(sub, rng):
    for _ in range(3):
        img, p = random_image(rng, channels=(2, 4), patch=(2, 4), counts=(1, 4))
        want = reference(img, p)
        got = sub.run(probe_patches, img, p)
        right_shape(got, img, p)
        # rows in sorted order: compares each patch's flattening, whatever the order of the patches
        got_rows = got[np.lexsort(got.T[::-1])]
        want_rows = want[np.lexsort(want.T[::-1])]
        close(got_rows, want_rows, "each patch should be flattened in (C, p, p) order: channel 0's p*p values "
              "row by row, then channel 1's, ...", rtol=0, atol=0)


@graded("to_patches", points=1)
def test_to_patches_no_python_loops(sub, rng):
    p = 2   # p = 1 on one channel is the one case where a permuted view stays contiguous
    h, w = (int(v) * p for v in rng.integers(560, 700, size=2))
    sub.run(probe_patches_shape, 1, 2 * p, 2 * p, p, 0)  # warm-up: the worker is up, first-call costs paid
    start = time.perf_counter()  # timed here, out of the learner's reach (a replaced clock cannot fake it)
    shape = sub.run(probe_patches_shape, 1, h, w, p, int(rng.integers(2**31)))
    took = time.perf_counter() - start
    expect(shape == [(h // p) * (w // p), p * p], "on a large image to_patches returned the wrong shape")
    expect(took < 1.0,
           f"to_patches took {took:.1f} s on an image of about a million pixels; "
           "reshape/permute (no Python loops) takes milliseconds")
