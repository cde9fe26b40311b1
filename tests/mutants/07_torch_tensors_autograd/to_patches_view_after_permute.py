"""to_patches calls .view on the permuted tensor, which is not contiguous: view raises (reshape would copy).

breaks: to_patches
"""


def to_patches(img, p):
    c, h, w = img.shape
    x = img.reshape(c, h // p, p, w // p, p).permute(1, 3, 0, 2, 4)
    return x.view((h // p) * (w // p), c * p * p)
