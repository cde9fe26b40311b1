"""StopAtThreshold indexes logs[monitor]: a missing monitor raises KeyError.

breaks: StopAtThreshold
"""
import keras


class StopAtThreshold(keras.callbacks.Callback):
    def __init__(self, monitor, threshold):
        super().__init__()
        self.monitor = monitor
        self.threshold = float(threshold)

    def on_epoch_end(self, epoch, logs=None):
        value = logs[self.monitor]
        if self.monitor.endswith("loss"):
            crossed = value <= self.threshold
        else:
            crossed = value >= self.threshold
        if crossed:
            self.model.stop_training = True
