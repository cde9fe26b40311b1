"""Hidden graders of log_graph: an event file under logdir that holds the function's graph.

The event file is parsed here (TensorBoard's protobufs, no TensorFlow in this process) and each
graph in it is *evaluated* here by a small interpreter on an input drawn after the file was
written: the file must hold a graph that computes fn, not merely one of fn's op names."""
import os
import posixpath
import struct

import numpy as np

from dlcourse.grading import expect, graded, probe

MAX_BYTES = 4 << 20


@probe
def probe_log_graph(mod, logdir, n, a, limit):
    # A relative logdir, in the sandbox's working directory; return the path and the file's bytes.
    import os

    fn = lambda x: tf.nn.softplus(x) * a + tf.reduce_sum(x)  # noqa: E731
    path = mod.log_graph(fn, tf.TensorSpec([n], tf.float32), logdir)
    path = os.fspath(path) if isinstance(path, (str, os.PathLike)) else None
    if not isinstance(path, str) or not os.path.isfile(path):
        return {"path": path if isinstance(path, str) else None, "is_file": False, "cwd": os.getcwd(), "data": b""}
    with open(path, "rb") as fh:
        data = fh.read(limit)
    return {"path": path, "is_file": True, "cwd": os.getcwd(), "data": data}


def _records(data):
    """The records of a TFRecord file (an event file): length, length CRC, data, data CRC."""
    pos = 0
    while pos + 12 <= len(data):
        (n,) = struct.unpack_from("<Q", data, pos)
        if pos + 12 + n + 4 > len(data):
            return
        yield data[pos + 12:pos + 12 + n]
        pos += 12 + n + 4


def graph_defs(data):
    """Every graph in an event file: a graph definition, or the function graphs of a traced
    graph's run metadata (tf.summary.trace_export)."""
    from tensorboard.compat.proto import config_pb2, event_pb2, graph_pb2

    found = []
    for record in _records(data):
        try:
            event = event_pb2.Event.FromString(record)
            if event.graph_def:
                found.append(graph_pb2.GraphDef.FromString(event.graph_def))
            metadata = []
            if event.HasField("tagged_run_metadata"):
                metadata.append(event.tagged_run_metadata.run_metadata)
            for value in event.summary.value:
                if value.metadata.plugin_data.plugin_name == "graph_run_metadata_graph":
                    metadata.extend(value.tensor.string_val)
            for blob in metadata:
                run = config_pb2.RunMetadata.FromString(blob)
                for fg in run.function_graphs:
                    found.extend([fg.pre_optimization_graph, fg.post_optimization_graph, *fg.partition_graphs])
                found.extend(run.partition_graphs)
        except Exception:  # not an event: skip the record
            continue
    return found


_NP = {1: np.float32, 2: np.float64, 3: np.int32, 9: np.int64}


def _const(tensor):
    dtype = _NP.get(tensor.dtype)
    if dtype is None:
        return None
    shape = [d.size for d in tensor.tensor_shape.dim]
    if tensor.tensor_content:
        values = np.frombuffer(tensor.tensor_content, dtype=dtype)
    elif dtype in (np.float32,):
        values = np.asarray(tensor.float_val, dtype=dtype)
    elif dtype in (np.float64,):
        values = np.asarray(tensor.double_val, dtype=dtype)
    elif dtype in (np.int32,):
        values = np.asarray(tensor.int_val, dtype=dtype)
    else:
        values = np.asarray(tensor.int64_val, dtype=dtype)
    size = int(np.prod(shape)) if shape else 1
    if values.size == size:
        return values.reshape(shape)
    if values.size == 1:
        return np.full(shape, values[0], dtype=dtype)
    return None


def node_values(graph_def, x):
    """The values of the nodes of a small set of op types, with x fed to every float32 input;
    nodes of other types (or fed by them) get no value."""
    nodes = list(graph_def.node)
    values = {}

    def arg(node, i):
        names = [name for name in node.input if not name.startswith("^")]
        if i >= len(names):
            return None
        name, _, index = names[i].partition(":")
        return values.get(name) if index in ("", "0") else None

    progress = True
    while progress:
        progress = False
        for node in nodes:
            if node.name in values:
                continue
            op, value = node.op, None
            if op in ("Placeholder", "_Arg"):
                if node.attr["dtype" if op == "Placeholder" else "T"].type == 1:
                    value = x.astype(np.float32)
            elif op == "Const":
                value = _const(node.attr["value"].tensor)
            elif op in ("Identity", "_Retval", "Softplus", "Neg"):
                v = arg(node, 0)
                if v is not None:
                    value = {"Softplus": lambda t: np.logaddexp(0, t), "Neg": np.negative}.get(op, lambda t: t)(v)
            elif op in ("Mul", "AddV2", "Add", "Sub"):
                u, v = arg(node, 0), arg(node, 1)
                if u is not None and v is not None:
                    value = {"Mul": np.multiply, "Sub": np.subtract}.get(op, np.add)(u, v)
            elif op == "Sum":
                v, axes = arg(node, 0), arg(node, 1)
                if v is not None and axes is not None:
                    value = np.sum(v, axis=tuple(int(k) for k in np.ravel(axes)), keepdims=node.attr["keep_dims"].b)
            if value is not None:
                values[node.name] = np.asarray(value)
                progress = True
    return values


def holds_fn(data, n, a, x):
    """Whether a graph in the event file computes fn(x) = softplus(x) * a + sum(x) at x."""
    want = np.logaddexp(0, x.astype(np.float64)) * a + x.astype(np.float64).sum()
    for graph_def in graph_defs(data):
        for value in node_values(graph_def, x).values():
            if value.shape == want.shape and np.allclose(value.astype(np.float64), want, rtol=1e-4, atol=1e-4):
                return True
    return False


def draw(rng):
    return f"tb_grader_{int(rng.integers(10**9))}", int(rng.integers(2, 9)), float(rng.uniform(0.5, 2))


def _written(sub, rng):
    logdir, n, a = draw(rng)
    got = sub.run(probe_log_graph, logdir, n, a, MAX_BYTES)
    expect(got["is_file"] and isinstance(got["data"], bytes),
           f"log_graph should return the path of the event file it wrote; {got['path']!r} is not a file")
    x = rng.standard_normal(n).astype(np.float32)      # drawn after the file was written
    return logdir, got, holds_fn(got["data"], n, a, x)


@graded("log_graph", points=2)
def test_log_graph_writes_the_graph(sub, rng):
    _, got, holds = _written(sub, rng)
    expect(len(graph_defs(got["data"])) > 0,
           "the event file holds no graph (neither a graph definition nor a traced graph)")
    expect(holds, "the graph in the event file is not the graph of fn")


@graded("log_graph", points=1)
def test_log_graph_file_is_under_logdir(sub, rng):
    logdir, got, holds = _written(sub, rng)
    path, cwd = got["path"], got["cwd"] if isinstance(got["cwd"], str) else ""
    full = posixpath.normpath(path if posixpath.isabs(path) else posixpath.join(cwd, path))
    expect(full.startswith(posixpath.normpath(posixpath.join(cwd, logdir)) + "/"),
           "the event file should be written under logdir")
    expect(os.path.basename(path).startswith("events.out.tfevents"), "the returned file is not a TensorBoard event file")
    expect(holds, "the event file under logdir does not hold the graph of fn")
