"""Hidden tests of scale_images: float32 in [0, 1], labels and order kept, a parallel map."""
import numpy as np

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_scale(mod, images, labels, batch_size):
    """Run scale_images on (image, label) pairs, batched when batch_size is not None."""
    ds = tf.data.Dataset.from_tensor_slices((images, labels))
    if batch_size is not None:
        ds = ds.batch(batch_size)
    out = mod.scale_images(ds)
    if not isinstance(out, tf.data.Dataset):
        return {"error": f"scale_images returned a {type(out).__name__}, not a tf.data.Dataset"}
    xs, ys = [], []
    for element in out:
        if not (isinstance(element, tuple) and len(element) == 2):
            return {"error": f"its elements are a {type(element).__name__}, not (image, label) pairs"}
        xs.append(np.asarray(element[0]))
        ys.append(np.asarray(element[1]))
    return {"error": None, "images": xs, "labels": ys}


@probe
def probe_ops(mod, images, labels):
    """The scaled images of scale_images' dataset, and the op names in its graph."""
    out = mod.scale_images(tf.data.Dataset.from_tensor_slices((images, labels)))
    if not isinstance(out, tf.data.Dataset):
        return {"error": f"scale_images returned a {type(out).__name__}, not a tf.data.Dataset"}
    xs = [np.asarray(element[0]) for element in out]
    graph = tf.compat.v1.GraphDef.FromString(out._as_serialized_graph().numpy())
    return {"error": None, "images": xs, "ops": sorted({node.op for node in graph.node})}


def _inputs(rng):
    n = int(rng.integers(6, 20))
    shape = (n, int(rng.integers(2, 7)), int(rng.integers(2, 7))) + ((int(rng.choice([1, 3])),) if rng.random() < 0.5 else ())
    images = rng.integers(0, 256, shape).astype(np.uint8)
    images.reshape(-1)[:2] = (0, 255)
    labels = rng.integers(0, 10, n).astype(np.int64)
    return images, labels


def _run(sub, images, labels, batch_size):
    got = sub.run(probe_scale, images, labels, batch_size)
    expect(got["error"] is None, f"scale_images: {got['error']}")
    return [np.asarray(v) for v in got["images"]], [np.asarray(v) for v in got["labels"]]


@graded("scale_images", points=1)
def test_scale_images_unbatched_values(sub, rng):
    images, labels = _inputs(rng)
    xs, _ = _run(sub, images, labels, None)
    expect(len(xs) == len(images), "scale_images should give one element per input element")
    expect(all(x.dtype == np.float32 for x in xs), "scale_images should give float32 images")
    expect(all(x.shape == images.shape[1:] for x in xs), "scale_images should keep each image's shape")
    close(np.stack(xs), images / 255.0, "scale_images should map uint8 values 0..255 to 0..1 (divide by 255)",
          rtol=1e-6, atol=1e-6)


@graded("scale_images", points=1)
def test_scale_images_batched_values(sub, rng):
    images, labels = _inputs(rng)
    b = int(rng.integers(2, 6))
    xs, _ = _run(sub, images, labels, b)
    sizes = [len(images[i:i + b]) for i in range(0, len(images), b)]
    expect([len(x) for x in xs] == sizes, "on a batched dataset, scale_images should keep the batches as they are")
    expect(all(x.dtype == np.float32 for x in xs), "scale_images should give float32 images for batched input too")
    close(np.concatenate(xs), images / 255.0, "on a batched dataset, scale_images should divide every pixel by 255",
          rtol=1e-6, atol=1e-6)


@graded("scale_images", points=1)
def test_scale_images_keeps_labels_and_order(sub, rng):
    images, labels = _inputs(rng)
    for batch_size in (None, int(rng.integers(2, 6))):
        xs, ys = _run(sub, images, labels, batch_size)
        got = np.concatenate([np.reshape(y, -1) for y in ys]) if ys else np.zeros(0)
        expect(all(y.dtype == np.int64 for y in ys) and np.array_equal(got, labels),
               "scale_images should leave the labels unchanged (values and dtype), in the original order")
        flat = np.concatenate([np.reshape(x, (-1,) + images.shape[1:]) for x in xs]) if xs else np.zeros(0)
        expect(flat.shape == images.shape and np.allclose(flat * 255.0, images, atol=1e-3),
               "scale_images should keep the images in their original order")


@graded("scale_images", points=1)
def test_scale_images_uses_parallel_map(sub, rng):
    images, labels = _inputs(rng)
    got = sub.run(probe_ops, images, labels)
    expect(got["error"] is None, f"scale_images: {got['error']}")
    xs = [np.asarray(x) for x in got["images"]]
    expect(len(xs) == len(images) and all(x.shape == images.shape[1:] and x.dtype == np.float32 for x in xs),
           "scale_images should give one float32 image of the same shape per input element")
    close(np.stack(xs), images / 255.0, "scale_images should map uint8 values 0..255 to 0..1 (divide by 255)",
          rtol=1e-6, atol=1e-6)
    ops = got["ops"]
    expect(any(op.startswith("ParallelMapDataset") for op in ops),
           "scale_images should map in parallel (num_parallel_calls=tf.data.AUTOTUNE); "
           "its dataset graph has no parallel map")
