"""train_lightning passes no logger: Lightning picks its default (TensorBoard), so no metrics.csv is written.

breaks: train_lightning
"""
import lightning as L
from lightning.pytorch.loggers import CSVLogger


def train_lightning(model, train_loader, val_loader, max_epochs, logdir):
    trainer = L.Trainer(accelerator="cpu", devices=1, max_epochs=max_epochs, default_root_dir=logdir,
                        enable_progress_bar=False, enable_model_summary=False, enable_checkpointing=False)
    trainer.fit(model, train_loader, val_loader)
    return {k: float(v) for k, v in trainer.callback_metrics.items()}
