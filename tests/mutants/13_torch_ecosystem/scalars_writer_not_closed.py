"""log_scalars never closes (or flushes) the SummaryWriter, so the event file is incomplete when it returns.

breaks: log_scalars
"""
from torch.utils.tensorboard import SummaryWriter


def log_scalars(logdir, tag, values):
    writer = SummaryWriter(log_dir=logdir)
    for step, value in enumerate(values):
        writer.add_scalar(tag, value, step)
