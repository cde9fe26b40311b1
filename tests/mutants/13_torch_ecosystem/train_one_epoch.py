"""train_lightning ignores max_epochs and trains a single epoch.

breaks: train_lightning
"""
import lightning as L
from lightning.pytorch.loggers import CSVLogger


def train_lightning(model, train_loader, val_loader, max_epochs, logdir):
    trainer = L.Trainer(accelerator="cpu", devices=1, max_epochs=1, logger=CSVLogger(save_dir=logdir),
                        enable_progress_bar=False, enable_model_summary=False, enable_checkpointing=False)
    trainer.fit(model, train_loader, val_loader)
    return {k: float(v) for k, v in trainer.callback_metrics.items()}
