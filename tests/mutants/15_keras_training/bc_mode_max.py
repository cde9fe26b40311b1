"""best_checkpoint keeps the highest val_loss (mode="max").

breaks: best_checkpoint
"""
import keras


def best_checkpoint(path):
    return keras.callbacks.ModelCheckpoint(path, monitor="val_loss", mode="max", save_best_only=True)
