"""Hidden graders of log_graph: an event file under logdir that holds the function's graph."""
import os
import tempfile

from dlcourse.grading import expect, graded, probe


@probe
def probe_log_graph(mod, logdir, n, a):
    # A relative logdir, in the sandbox's working directory; return the path and the file's bytes.
    import os

    fn = lambda x: tf.nn.softplus(x) * a + tf.reduce_sum(x)  # noqa: E731
    path = mod.log_graph(fn, tf.TensorSpec([n], tf.float32), logdir)
    path = os.fspath(path) if isinstance(path, (str, os.PathLike)) else None
    if path is None or not os.path.isfile(path):
        return {"path": None if path is None else str(path), "is_file": False, "under": False, "data": b""}
    under = os.path.commonpath([os.path.abspath(path), os.path.abspath(logdir)]) == os.path.abspath(logdir)
    with open(path, "rb") as fh:
        data = fh.read()
    return {"path": path, "is_file": True, "under": under, "data": data}


def graph_payloads(data):
    """The serialized graphs in an event file: graph_def events and tagged run metadata."""
    import tensorflow as tf

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "events.out.tfevents.grader")
        with open(path, "wb") as fh:
            fh.write(data)
        payloads = []
        try:
            for event in tf.compat.v1.train.summary_iterator(path):
                if event.graph_def:
                    payloads.append(event.graph_def)
                if event.HasField("tagged_run_metadata"):
                    payloads.append(event.tagged_run_metadata.run_metadata)
                for value in event.summary.value:
                    if value.HasField("tensor") and value.metadata.plugin_data.plugin_name == "graph_run_metadata_graph":
                        payloads.extend(value.tensor.string_val)
        except Exception:
            pass
    return payloads


def draw(rng):
    return f"tb_grader_{int(rng.integers(10**9))}", int(rng.integers(2, 9)), float(rng.uniform(0.5, 2))


@graded("log_graph", points=2)
def test_log_graph_writes_the_graph(sub, rng):
    got = sub.run(probe_log_graph, *draw(rng))
    expect(got["is_file"], f"log_graph should return the path of the event file it wrote; {got['path']!r} is not a file")
    payloads = graph_payloads(got["data"])
    expect(len(payloads) > 0, "the event file holds no graph (neither a graph definition nor a traced graph)")
    expect(any(b"Softplus" in p for p in payloads), "the graph in the event file is not the graph of fn")


@graded("log_graph", points=1)
def test_log_graph_file_is_under_logdir(sub, rng):
    got = sub.run(probe_log_graph, *draw(rng))
    expect(got["is_file"], f"log_graph should return the path of the event file it wrote; {got['path']!r} is not a file")
    expect(got["under"], "the event file should be written under logdir")
    expect(os.path.basename(got["path"]).startswith("events.out.tfevents"), "the returned file is not a TensorBoard event file")
