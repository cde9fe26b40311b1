"""best_checkpoint saves every epoch (save_best_only left False): the file holds the last model.

breaks: best_checkpoint
"""
import keras


def best_checkpoint(path):
    return keras.callbacks.ModelCheckpoint(path, monitor="val_loss", mode="min")
