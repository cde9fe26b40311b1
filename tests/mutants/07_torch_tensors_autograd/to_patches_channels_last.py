"""to_patches flattens each patch in (p, p, C) order instead of (C, p, p).

breaks: to_patches
"""


def to_patches(img, p):
    c, h, w = img.shape
    x = img.reshape(c, h // p, p, w // p, p).permute(1, 3, 2, 4, 0)
    return x.reshape((h // p) * (w // p), c * p * p)
