"""StopAtThreshold reads a missing monitor as 0 (logs.get(monitor, 0)) and may stop for it.

breaks: StopAtThreshold
"""
import keras


class StopAtThreshold(keras.callbacks.Callback):
    def __init__(self, monitor, threshold):
        super().__init__()
        self.monitor = monitor
        self.threshold = float(threshold)

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor, 0.0)
        if self.monitor.endswith("loss"):
            crossed = value <= self.threshold
        else:
            crossed = value >= self.threshold
        if crossed:
            self.model.stop_training = True
