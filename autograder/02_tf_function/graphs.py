"""Graphs judged by what they compute, outside the learner's process (shared by 02's graders).

What a learner's process says about its own ``tf.function`` (``experimental_get_tracing_count``,
an op list, ``isinstance``) can be forged there. So a test takes the *serialized GraphDef* of a
concrete function out of the learner's process (``graph_of``, a probe helper) and then

* parses it here, with TensorBoard's protobufs (no TensorFlow in the trusted process):
  ``parse``, ``op_types`` (nested functions included), ``placeholder``;
* runs it in a clean worker (``sub.clean``: a process that never loaded learner code) on inputs
  drawn here, after they were drawn, and compares the outputs with values computed here
  (``evaluate``). Forging such a graph means building the graph the exercise asks for.

A graph that could touch files or run Python (``UNSAFE``) is never run.
"""
from __future__ import annotations

import numpy as np

from dlcourse.grading import probe

# op-type fragments of operations that read or write files, or call back into Python
UNSAFE = ("File", "PyFunc", "Save", "Restore", "Dataset", "Reader", "Checkpoint", "Summary", "Iterator")
DTYPES = {"float32": 1, "float64": 2, "int32": 3}   # tensorflow.DataType enum values


def graph_of(concrete):
    """(In the sandbox.) The serialized GraphDef of a ConcreteFunction and the names of its first
    input and output tensors; None when ``concrete`` is no concrete function."""
    try:
        return {"graph_def": concrete.graph.as_graph_def().SerializeToString(),
                "input": str(concrete.inputs[0].name), "output": str(concrete.outputs[0].name)}
    except Exception:
        return None


@probe
def run_graph(mod, graph_def, input_name, output_name, xs, dtype):
    """(In a clean worker.) Import the GraphDef into a new graph and evaluate ``output_name`` for
    each input fed to ``input_name``; None for an input it cannot evaluate."""
    try:
        graph_def = tf.compat.v1.GraphDef.FromString(graph_def)
        graph = tf.Graph()
        with graph.as_default():
            tf.graph_util.import_graph_def(graph_def, name="")
    except Exception:
        return {"imported": False, "outputs": []}
    outputs = []
    with tf.compat.v1.Session(graph=graph) as session:
        for x in xs:
            try:
                out = session.run(output_name, {input_name: np.asarray(x, dtype=dtype)})
                outputs.append(np.asarray(out, dtype=np.float64))
            except Exception:
                outputs.append(None)
    return {"imported": True, "outputs": outputs}


def parse(graph):
    """The GraphDef of a ``graph_of`` result, or None when it is not one."""
    if not isinstance(graph, dict) or not isinstance(graph.get("graph_def"), bytes):
        return None
    from tensorboard.compat.proto import graph_pb2

    try:
        return graph_pb2.GraphDef.FromString(graph["graph_def"])
    except Exception:
        return None


def op_types(graph_def) -> set:
    """The op types of a GraphDef's own nodes and of every function in its library."""
    ops = {node.op for node in graph_def.node}
    for function in graph_def.library.function:
        ops |= {node.op for node in function.node_def}
    return ops


def placeholder(graph_def, tensor_name):
    """(dtype name or None, dims with None for unknown, or None for an unknown rank) of the
    Placeholder behind ``tensor_name`` (such as ``"x:0"``); None when there is none."""
    name = str(tensor_name).split(":")[0]
    for node in graph_def.node:
        if node.name == name and node.op == "Placeholder":
            dtype = {v: k for k, v in DTYPES.items()}.get(node.attr["dtype"].type)
            shape = node.attr["shape"].shape
            dims = None if shape.unknown_rank else [None if d.size < 0 else int(d.size) for d in shape.dim]
            return dtype, dims
    return None


def evaluate(sub, graph, xs, dtype="float32"):
    """The outputs of the graph of a ``graph_of`` result on ``xs``, computed in a clean worker;
    None when there is no graph, it is unsafe to run, or it cannot be imported."""
    graph_def = parse(graph)
    if graph_def is None or any(part in op for op in op_types(graph_def) for part in UNSAFE):
        return None
    got = sub.clean(run_graph, graph["graph_def"], graph["input"], graph["output"],
                    [np.asarray(x) for x in xs], dtype)
    if not got.get("imported") or len(got.get("outputs", [])) != len(xs):
        return None
    return got["outputs"]


def computes(sub, graph, xs, expected, rtol=1e-5, atol=1e-5, dtype="float32") -> bool:
    """Whether the graph, run in a clean worker on each x, gives the expected values."""
    outputs = evaluate(sub, graph, xs, dtype)
    if outputs is None:
        return False
    for out, want in zip(outputs, expected):
        want = np.asarray(want, dtype=np.float64)
        if out is None or not isinstance(out, np.ndarray) or out.shape != want.shape:
            return False
        if not np.allclose(out, want, rtol=rtol, atol=atol):
            return False
    return True
