"""Hidden graders of log_graph: an event file under logdir that holds the function's graph."""
import os
import struct

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


def _records(data):
    """The records of a TFRecord file (an event file): length, length CRC, data, data CRC."""
    pos = 0
    while pos + 12 <= len(data):
        (n,) = struct.unpack_from("<Q", data, pos)
        if pos + 12 + n + 4 > len(data):
            return
        yield data[pos + 12:pos + 12 + n]
        pos += 12 + n + 4


def _op_types(graph_def):
    ops = {node.op for node in graph_def.node}
    for function in graph_def.library.function:
        ops |= {node.op for node in function.node_def}
    return ops


def graph_op_sets(data):
    """For each graph in an event file (a graph definition, or a traced graph's run metadata),
    the op types it holds. Parsed with TensorBoard's protobufs: no TensorFlow in this process."""
    from tensorboard.compat.proto import config_pb2, event_pb2, graph_pb2

    found = []
    for record in _records(data):
        try:
            event = event_pb2.Event.FromString(record)
            if event.graph_def:
                found.append(_op_types(graph_pb2.GraphDef.FromString(event.graph_def)))
            metadata = []
            if event.HasField("tagged_run_metadata"):
                metadata.append(event.tagged_run_metadata.run_metadata)
            for value in event.summary.value:
                if value.metadata.plugin_data.plugin_name == "graph_run_metadata_graph":
                    metadata.extend(value.tensor.string_val)
            for blob in metadata:
                run = config_pb2.RunMetadata.FromString(blob)
                ops = set()
                for fg in run.function_graphs:
                    for graph in (fg.pre_optimization_graph, fg.post_optimization_graph, *fg.partition_graphs):
                        ops |= _op_types(graph)
                for graph in run.partition_graphs:
                    ops |= _op_types(graph)
                found.append(ops)
        except Exception:  # not an event: skip the record
            continue
    return found


def draw(rng):
    return f"tb_grader_{int(rng.integers(10**9))}", int(rng.integers(2, 9)), float(rng.uniform(0.5, 2))


@graded("log_graph", points=2)
def test_log_graph_writes_the_graph(sub, rng):
    got = sub.run(probe_log_graph, *draw(rng))
    expect(got["is_file"], f"log_graph should return the path of the event file it wrote; {got['path']!r} is not a file")
    graphs = graph_op_sets(got["data"])
    expect(len(graphs) > 0, "the event file holds no graph (neither a graph definition nor a traced graph)")
    expect(any("Softplus" in ops for ops in graphs), "the graph in the event file is not the graph of fn")


@graded("log_graph", points=1)
def test_log_graph_file_is_under_logdir(sub, rng):
    got = sub.run(probe_log_graph, *draw(rng))
    expect(got["is_file"], f"log_graph should return the path of the event file it wrote; {got['path']!r} is not a file")
    expect(got["under"], "the event file should be written under logdir")
    expect(os.path.basename(got["path"]).startswith("events.out.tfevents"), "the returned file is not a TensorBoard event file")
