"""best_checkpoint saves only the weights (to a .weights.h5 file beside the path), not the whole model.

breaks: best_checkpoint
"""
import keras


def best_checkpoint(path):
    return keras.callbacks.ModelCheckpoint(str(path).replace(".keras", ".weights.h5"), monitor="val_loss",
                                           mode="min", save_best_only=True, save_weights_only=True)
