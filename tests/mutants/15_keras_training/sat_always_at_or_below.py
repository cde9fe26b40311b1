"""StopAtThreshold always stops when the value is <= the threshold, accuracies included.

breaks: StopAtThreshold
"""
import keras


class StopAtThreshold(keras.callbacks.Callback):
    def __init__(self, monitor, threshold):
        super().__init__()
        self.monitor = monitor
        self.threshold = float(threshold)

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is not None and value <= self.threshold:
            self.model.stop_training = True
