"""StopAtThreshold treats only monitor == "loss" as a loss, so val_loss is compared with >=.

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
        if value is None:
            return
        if self.monitor == "loss":
            crossed = value <= self.threshold
        else:
            crossed = value >= self.threshold
        if crossed:
            self.model.stop_training = True
