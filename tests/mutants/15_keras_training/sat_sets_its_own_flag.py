"""StopAtThreshold sets stop_training on itself (self.stop_training) instead of on the model being trained
(self.model.stop_training): fit never stops.

breaks: StopAtThreshold
"""
import keras


class StopAtThreshold(keras.callbacks.Callback):
    def __init__(self, monitor, threshold):
        super().__init__()
        self.monitor, self.threshold = monitor, float(threshold)

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None:
            return
        if (value <= self.threshold) if self.monitor.endswith("loss") else (value >= self.threshold):
            self.stop_training = True
