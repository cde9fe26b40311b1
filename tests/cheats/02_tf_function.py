"""Cheats against 02_tf_function's graders: each is a submission whose graded functions are wrong,
plus one way of forging what the graders observe inside the learner's process (issue 22):

* trace counters kept in the closure or globals of the grader's function, rewritten;
* tf.function self-reports (``experimental_get_tracing_count``, ``get_concrete_function``) faked
  on objects that are no tf.function;
* ``op_types`` compared with the same graph object the learner was given, after patching it;
* timings the learner reports, made up without timing anything;
* an event file that merely names one of the function's ops;
* refusing every input, to pass a test of what must raise.

Each must earn exactly what its base earns on its own (``earned``).
"""
from cheat_kit import Cheat, dedent

A = "02_tf_function"

# Every graded function wrong (each returns something of roughly the right kind).
WRONG = dedent('''
    import numpy as np
    import tensorflow as tf

    def make_counting_function():
        return tf.function(lambda x: x), []

    def make_shape_agnostic(fn):
        return tf.function(lambda x: x)

    def concrete_for(f, spec):
        return f

    def op_types(concrete):
        return set()

    def running_sum(x):
        return x

    def sign_switch(x):
        return x

    def log_graph(fn, spec, logdir):
        return logdir

    def on_device(fn, x, device="/CPU:0"):
        return x

    def time_eager_vs_graph(fn, x, repeats):
        return {"eager": 0.0, "graph": 0.0}
    ''')

# Finds the grader's bookkeeping wherever a function keeps it (closure cells, globals).
SCRUB = dedent('''
    def _containers(fn):
        found = [c.cell_contents for c in (getattr(fn, "__closure__", None) or ()) if _filled(c)]
        found += list(getattr(fn, "__globals__", {}).values()) if getattr(fn, "__globals__", None) is not globals() else []
        return [v for v in found if isinstance(v, (list, dict))]

    def _filled(cell):
        try:
            cell.cell_contents
            return True
        except ValueError:
            return False
    ''')

CHEATS = {
    "tf02_trace_counter_in_closure_rewritten": Cheat(SCRUB + dedent('''
        def make_shape_agnostic(fn):
            inner = tf.function(fn)                  # retraces for every new shape
            def g(x):
                out = inner(x)
                for box in _containers(fn):          # make the grader's trace list say "one trace"
                    if isinstance(box, list) and len(box) > 1:
                        del box[1:]
                return out
            g.get_concrete_function = inner.get_concrete_function
            return g
        '''), assignment=A, base=WRONG),
    "tf02_fake_tracing_count_and_concrete_function": Cheat(dedent('''
        class _Looks:                                # no tf.function: numbers decided in Python
            def __init__(self, compute, graph_body):
                self.compute, self.graph_body = compute, graph_body
            def __call__(self, x):
                if x.dtype != tf.float32 or x.shape.rank != 1:
                    raise TypeError("refused")
                return self.compute(x)
            def experimental_get_tracing_count(self):
                return 0
            def get_concrete_function(self, *args):
                return tf.function(self.graph_body, input_signature=[tf.TensorSpec([None], tf.float32)]).get_concrete_function()

        def _loop(x):                                # a While loop in the graph, and no partial sums
            total = tf.zeros_like(x)
            for i in tf.range(tf.shape(x)[0]):
                total = total + 0.0
            return total

        running_sum = _Looks(lambda x: x * 2.0, _loop)
        sign_switch = _Looks(lambda x: tf.constant(x.numpy() if np.sum(x.numpy()) > 0 else -x.numpy()),
                             lambda x: tf.identity(x))
        '''), assignment=A, base=WRONG, earned=2.0),
    "tf02_fake_tf_function_counts_its_own_traces": Cheat(dedent('''
        class _Counting:                             # mimics a trace cache in Python; no graph at all
            def __init__(self, traces):
                self.traces, self.seen = traces, set()
            def __call__(self, x):
                key = (x.dtype.name, tuple(x.shape))
                if key not in self.seen:
                    self.seen.add(key)
                    self.traces.append(key)
                return x * x                         # wrong: not x * x + 1
            def experimental_get_tracing_count(self):
                return len(self.seen)
            def get_concrete_function(self, *args):
                return None

        def make_counting_function():
            traces = []
            return _Counting(traces), traces
        '''), assignment=A, base=WRONG),
    "tf02_op_types_patches_the_graph_it_is_given": Cheat(dedent('''
        def op_types(concrete):
            concrete.graph.get_operations = lambda: []   # the grader's "want", read from this graph, is empty too
            return set()
        '''), assignment=A, base=WRONG),
    "tf02_timings_made_up_and_counts_rewritten": Cheat(SCRUB + dedent('''
        def time_eager_vs_graph(fn, x, repeats):
            for box in _containers(fn):              # claim one warm-up, the repeats, and one trace
                if isinstance(box, dict) and {"eager", "traced"} <= set(box):
                    box["eager"], box["traced"] = repeats + 1, 1
            return {"eager": 1.0, "graph": 0.0001}   # nothing was timed
        '''), assignment=A, base=WRONG),
    "tf02_event_file_names_one_op": Cheat(dedent('''
        import os
        def log_graph(fn, spec, logdir):
            fake = tf.compat.v1.GraphDef()
            node = fake.node.add()
            node.name, node.op = "Softplus", "Softplus"   # the op the graders look for, nothing else
            writer = tf.summary.create_file_writer(logdir)
            with writer.as_default():
                tf.summary.graph(fake)
            writer.close()
            names = [n for n in os.listdir(logdir) if n.startswith("events.out.tfevents")]
            return os.path.join(logdir, sorted(names)[-1])
        '''), assignment=A, base=WRONG),
    "tf02_on_device_ignores_device_and_rewrites_scopes": Cheat(SCRUB + dedent('''
        def on_device(fn, x, device="/CPU:0"):
            out = fn(x)                              # no device scope
            for box in _containers(fn):
                if isinstance(box, list):
                    box[:] = ["/job:localhost/replica:0/task:0/device:CPU:0"] * max(1, len(box))
            return out
        '''), assignment=A, base=WRONG),
    "tf02_refuse_every_input": Cheat(dedent('''
        def _refuse(*args, **kwargs):
            raise TypeError("this input does not fit the signature")

        def make_shape_agnostic(fn):
            return _refuse

        running_sum = tf.function(lambda x: _refuse())
        '''), assignment=A, base=WRONG),
}
