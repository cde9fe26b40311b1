"""Cheats against the graders of 15_keras_training (issue 22), one per mechanism a reader of the graders could
use: a History compared with another History computed in the same (patched) process, strategies and devices
that the learner's process merely reports, and a memory measurement taken inside the learner's process.
Each is a wrong submission plus the attack; it must earn exactly what its wrong functions earn on their own."""
from cheat_kit import Cheat as _Cheat, dedent

A = "15_keras_training"

# Every graded name defined, every one wrong.
WRONG = dedent('''
    import math
    import numpy as np
    import keras
    import tensorflow as tf

    class HistoryRecorder(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.history = {}

    class StopAtThreshold(keras.callbacks.Callback):
        def __init__(self, monitor, threshold):
            super().__init__()

    def warmup_cosine(epoch, lr, warmup, total, base_lr):
        return float(lr)

    def best_checkpoint(path):
        return keras.callbacks.Callback()

    class NpyBatches(keras.utils.PyDataset):
        def __init__(self, x_path, y_path, batch_size, **kwargs):
            super().__init__()

        def __len__(self):
            return 0

        def __getitem__(self, index):
            raise IndexError(index)

    def transfer_model(base, num_classes):
        return base

    def fit_distributed(build_fn, x, y, epochs):
        return build_fn()
    ''')

# NpyBatches done right except for memory: the whole arrays are read at construction (2 + 1 points honestly).
WHOLE_ARRAYS = dedent('''
    class NpyBatches(keras.utils.PyDataset):
        def __init__(self, x_path, y_path, batch_size, **kwargs):
            super().__init__(**kwargs)
            self.x, self.y, self.batch_size = np.load(x_path), np.load(y_path), int(batch_size)

        def __len__(self):
            return math.ceil(len(self.x) / self.batch_size)

        def __getitem__(self, index):
            rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
            return self.x[rows], self.y[rows]
    ''')


def Cheat(code, **kwargs):  # noqa: N802
    kwargs.setdefault("assignment", A)
    kwargs.setdefault("base", WRONG)
    return _Cheat(dedent(code), **kwargs)


CHEATS = {
    # The recorder's history was compared with fit's own History in the same process: make every fit return an
    # empty History, so that an empty recorder "matches" it.
    "k15_history_recorder_empties_every_history": Cheat('''
        _fit = keras.Model.fit

        def _fit_that_forgets(self, *args, **kwargs):
            history = _fit(self, *args, **kwargs)
            history.history = {}
            return history

        keras.Model.fit = _fit_that_forgets
        '''),

    # Everything fit_distributed's graders once read about the strategy, reported by stand-ins: a fake scope, a
    # fake strategy with two replicas on CPU:0 and CPU:1, "mirrored" weights, and a made-up decreasing loss.
    "k15_fit_distributed_reports_a_strategy_it_never_used": Cheat('''
        class _FakeExtended:
            worker_devices = ("/job:localhost/replica:0/task:0/device:CPU:0",
                              "/job:localhost/replica:0/task:0/device:CPU:1")

        class _FakeStrategy:
            num_replicas_in_sync = 2
            extended = _FakeExtended()

        def fit_distributed(build_fn, x, y, epochs):
            tf.distribute.has_strategy = lambda: True
            tf.distribute.get_strategy = lambda: _FakeStrategy()
            model = build_fn()
            tf.distribute.DistributedValues = object
            model._distribute_strategy = _FakeStrategy()
            history = keras.callbacks.History()
            history.history = {"loss": [1.0 / (e + 1) for e in range(epochs)]}
            model.history = history
            return model
        '''),

    # The memory test once trusted tracemalloc's peak inside the learner's process: read the whole arrays
    # (the mistake) and reset the peak after every batch.
    "k15_npy_batches_hides_its_memory_from_tracemalloc": Cheat(WHOLE_ARRAYS + dedent('''
        import tracemalloc

        class NpyBatches(NpyBatches):
            def __getitem__(self, index):
                batch = super().__getitem__(index)
                if tracemalloc.is_tracing():
                    tracemalloc.clear_traces()
                    tracemalloc.reset_peak()
                return batch
        '''), earned=3.0),
}
