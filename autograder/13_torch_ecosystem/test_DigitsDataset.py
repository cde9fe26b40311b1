"""Hidden graders of DigitsDataset: the course split, in order, as (1, 8, 8) float32 images and int labels."""
from functools import lru_cache

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from dlcourse.grading import close, expect, graded, probe


@lru_cache(maxsize=1)
def course_split():
    """The course-wide digits split, computed here: images (n, 8, 8) in [0, 1], labels, train and test indices."""
    X, y = load_digits(return_X_y=True)
    train, test = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y, random_state=0)
    return X.reshape(-1, 8, 8) / 16.0, y, train, test


def describe_item(item):
    """Plain facts about one dataset item (runs in the sandbox)."""
    if not isinstance(item, (tuple, list)) or len(item) != 2:
        return {"pair": False}
    image, label = item
    is_tensor = isinstance(image, torch.Tensor)
    out = {"pair": True, "is_tensor": is_tensor, "label_type": type(label).__name__,
           "label_is_int": isinstance(label, int) and not isinstance(label, bool),
           "label": int(label) if isinstance(label, (int, np.integer)) or
           (isinstance(label, torch.Tensor) and label.numel() == 1) else None}
    if is_tensor:
        out["shape"] = [int(d) for d in image.shape]
        out["dtype"] = str(image.dtype).removeprefix("torch.")
        out["image"] = image.detach().to(torch.float64).cpu().numpy().copy()
    return out


@probe(uses=[describe_item])
def probe_items(mod, train, indices):
    ds = mod.DigitsDataset() if train is None else mod.DigitsDataset(train=train)
    return {"len": int(len(ds)), "items": [describe_item(ds[int(i)]) for i in indices]}


@probe(uses=[describe_item])
def probe_transform(mod, train, indices, repeats, offsets):
    from torchvision.transforms import v2

    class Shift:
        """The grader's transform: its k-th call on one (1, 8, 8) image adds offsets[k]; anything else passes through."""

        def __init__(self, offsets):
            self.offsets, self.k = list(offsets), 0

        def __call__(self, *inputs):
            x = inputs[0] if len(inputs) == 1 else inputs
            if not isinstance(x, torch.Tensor) or tuple(x.shape) != (1, 8, 8):
                return x
            self.k += 1
            return x + (self.offsets[self.k - 1] if self.k <= len(self.offsets) else 0.0)

    ds = mod.DigitsDataset(train=train, transform=v2.Compose([v2.RandomHorizontalFlip(p=1.0), Shift(offsets)]))
    return [describe_item(ds[int(i)]) for i in indices for _ in range(repeats)]


def draw_indices(rng, n, k):
    """k random indices of a split of length n, the first and the last always among them."""
    return [0, n - 1] + [int(i) for i in rng.choice(np.arange(1, n - 1), size=k, replace=False)]


@graded("DigitsDataset", points=1)
def test_digits_dataset_lengths(sub, rng):
    for train, want in ((True, 1347), (False, 450)):
        got = sub.run(probe_items, train, [0])
        expect(got["len"] == want, f"len(DigitsDataset(train={train})) is {got['len']}, expected {want} "
                                   "(the course split: 25% of the 1797 digits for testing)")
    got = sub.run(probe_items, None, [0])
    expect(got["len"] == 1347, f"len(DigitsDataset()) is {got['len']}: by default (train=True) it is the "
                               "training split, 1347 digits")


@graded("DigitsDataset", points=1)
def test_digits_dataset_item_is_float32_1x8x8_image_and_int_label(sub, rng):
    for train, n in ((True, 1347), (False, 450)):
        got = sub.run(probe_items, train, draw_indices(rng, n, 3))
        for item in got["items"]:
            expect(item["pair"], "an item should be a pair (image, label)")
            expect(item["is_tensor"], "the image should be a torch.Tensor")
            expect(item["shape"] == [1, 8, 8], f"the image has shape {tuple(item['shape'])}; expected (1, 8, 8): "
                                               "one channel, then height and width")
            expect(item["dtype"] == "float32", f"the image has dtype {item['dtype']}; expected float32")
            expect(item["label_is_int"], f"the label is a {item['label_type']}; expected a Python int")


@graded("DigitsDataset", points=2)
def test_digits_dataset_follows_course_split(sub, rng):
    images, labels, train_idx, test_idx = course_split()
    for train, idx in ((True, train_idx), (False, test_idx)):
        chosen = draw_indices(rng, len(idx), 6)
        got = sub.run(probe_items, train, chosen)
        which = "train" if train else "test"
        for i, item in zip(chosen, got["items"]):
            expect(item["pair"] and item["is_tensor"], "an item should be a pair (image tensor, label)")
            expect(item["label"] == int(labels[idx[i]]),
                   f"the {which} split's labels are not those of the course split, in its order "
                   "(train_test_split of np.arange(1797), test_size=0.25, stratify=y, random_state=0)")
            close(np.reshape(item["image"], -1), images[idx[i]].reshape(-1),
                  f"a {which} image does not match the course split's digit at that position, scaled by 1/16",
                  rtol=1e-6, atol=1e-6)


@graded("DigitsDataset", points=2)
def test_digits_dataset_transform_applied_to_image_on_every_access(sub, rng):
    # The transform adds a fresh offset at each call: only a transform applied to the image, once per access,
    # gives access j the j-th offset.
    images, labels, train_idx, test_idx = course_split()
    train = bool(rng.integers(2))
    idx = train_idx if train else test_idx
    chosen = [int(i) for i in rng.choice(len(idx), size=3, replace=False)]
    repeats = 2
    offsets = (rng.uniform(1.0, 2.0, size=len(chosen) * repeats) * rng.choice([-1, 1], size=len(chosen) * repeats)).tolist()
    got = sub.run(probe_transform, train, chosen, repeats, offsets)
    expect(isinstance(got, list) and len(got) == len(chosen) * repeats, "DigitsDataset: reading items failed")
    items = iter(zip(got, offsets))
    for i in chosen:
        for _ in range(repeats):
            item, offset = next(items)
            expect(item["pair"] and item["is_tensor"], "with a transform, an item should still be (image tensor, label)")
            close(np.reshape(item["image"], -1), (images[idx[i]][:, ::-1] + offset).reshape(-1),
                  "with a transform, an item's image is not the transform of the 1/16-scaled digit made at that "
                  "access: apply the transform to the image alone, in __getitem__, on every access",
                  rtol=1e-5, atol=1e-5)
            expect(item["label"] == int(labels[idx[i]]) and item["label_is_int"],
                   "with a transform the label should stay the same Python int")
