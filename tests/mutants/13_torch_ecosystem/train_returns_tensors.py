"""train_lightning returns trainer.callback_metrics as they are (tensors, not floats).

breaks: train_lightning
"""
import lightning as L
from lightning.pytorch.loggers import CSVLogger


def train_lightning(model, train_loader, val_loader, max_epochs, logdir):
    trainer = L.Trainer(accelerator="cpu", devices=1, max_epochs=max_epochs, logger=CSVLogger(save_dir=logdir),
                        enable_progress_bar=False, enable_model_summary=False, enable_checkpointing=False)
    trainer.fit(model, train_loader, val_loader)
    return dict(trainer.callback_metrics)
