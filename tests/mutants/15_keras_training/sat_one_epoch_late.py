"""StopAtThreshold notices the crossing but stops one epoch later (it acts on the previous epoch's value).

breaks: StopAtThreshold
"""
import keras


class StopAtThreshold(keras.callbacks.Callback):
    def __init__(self, monitor, threshold):
        super().__init__()
        self.monitor = monitor
        self.threshold = float(threshold)
        self.previous = None

    def on_train_begin(self, logs=None):
        self.previous = None

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None:
            return
        if self.previous is not None:
            if self.monitor.endswith("loss"):
                crossed = self.previous <= self.threshold
            else:
                crossed = self.previous >= self.threshold
            if crossed:
                self.model.stop_training = True
        self.previous = value
