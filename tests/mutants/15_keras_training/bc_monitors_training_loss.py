"""best_checkpoint monitors the training loss instead of val_loss.

breaks: best_checkpoint
"""
import keras


def best_checkpoint(path):
    return keras.callbacks.ModelCheckpoint(path, monitor="loss", mode="min", save_best_only=True)
