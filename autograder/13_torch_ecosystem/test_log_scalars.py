"""Hidden graders of log_scalars: values[i] at step i under the tag, in an event file that is complete on return."""
import os
import tempfile

import numpy as np
# Imported at collection time, while the sandboxed worker starts (it brings in TensorFlow when installed).
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from dlcourse.grading import close, expect, graded, probe


@probe
def probe_log(mod, calls):
    import os
    import tempfile

    logdir = os.path.join(tempfile.mkdtemp(), "runs", "exp")
    for tag, values in calls:
        mod.log_scalars(logdir, tag, values)
    files = {}
    for root, _, names in os.walk(logdir):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as fh:
                files[os.path.relpath(path, logdir)] = fh.read()
    return files


def read_scalars(files):
    """{tag: [(step, value), ...]} from every event file the probe sent back, read with EventAccumulator."""
    found = {}
    with tempfile.TemporaryDirectory() as tmp:
        for rel, data in files.items():
            if "tfevents" not in os.path.basename(rel):
                continue
            path = os.path.join(tmp, rel.replace(os.sep, "__"))
            with open(path, "wb") as fh:
                fh.write(data)
            acc = EventAccumulator(path)
            acc.Reload()
            tags = acc.Tags()
            for tag in tags.get("scalars", []):
                found.setdefault(tag, []).extend((e.step, float(e.value)) for e in acc.Scalars(tag))
            for tag in tags.get("tensors", []):
                from tensorboard.util import tensor_util
                found.setdefault(tag, []).extend((e.step, float(tensor_util.make_ndarray(e.tensor_proto)))
                                                 for e in acc.Tensors(tag))
    return {tag: sorted(points) for tag, points in found.items()}


def draw(rng):
    n = int(rng.integers(3, 40))
    tag = str(rng.choice(["loss/train", "val_acc", "metrics/lr", "loss"]))
    return tag, [float(v) for v in rng.standard_normal(n) * 10 ** rng.uniform(-2, 2, size=n)]


@graded("log_scalars", points=2)
def test_log_scalars_values_at_steps(sub, rng):
    tag, values = draw(rng)
    files = sub.run(probe_log, [[tag, values]])
    expect(any("tfevents" in os.path.basename(name) for name in files),
           "no TensorBoard event file (events.out.tfevents.*) was written under logdir")
    scalars = read_scalars(files)
    expect(tag in scalars, f"the event files hold no scalars under the tag given (found tags {sorted(scalars)}): "
                           "is the writer closed (or flushed) before log_scalars returns?")
    steps = [s for s, _ in scalars[tag]]
    expect(steps == list(range(len(values))),
           f"{len(values)} values were logged at steps {steps[:6]}{'...' if len(steps) > 6 else ''}; "
           f"expected values[i] at step i, i = 0..{len(values) - 1}")
    close([v for _, v in scalars[tag]], np.float32(values), "the logged values differ from the values given",
          rtol=1e-6, atol=1e-7)


@graded("log_scalars", points=1)
def test_log_scalars_two_calls_two_tags(sub, rng):
    (tag_a, a), (_, b) = draw(rng), draw(rng)
    tag_b = tag_a + "_other"
    scalars = read_scalars(sub.run(probe_log, [[tag_a, a], [tag_b, b]]))
    for tag, values in ((tag_a, a), (tag_b, b)):
        expect(tag in scalars, "after two calls into the same logdir with different tags, a tag is missing from the event files")
        expect([s for s, _ in scalars[tag]] == list(range(len(values))),
               "after two calls into the same logdir, a tag's steps are not 0..len(values)-1 exactly once each")
        close([v for _, v in scalars[tag]], np.float32(values),
              "after two calls into the same logdir, a tag's values are not the ones given to its call", rtol=1e-6, atol=1e-7)
