"""to_patches lists the patches in column-major order (down the first column of patches first).

breaks: to_patches
"""


def to_patches(img, p):
    c, h, w = img.shape
    x = img.reshape(c, h // p, p, w // p, p).permute(3, 1, 0, 2, 4)
    return x.reshape((h // p) * (w // p), c * p * p)
