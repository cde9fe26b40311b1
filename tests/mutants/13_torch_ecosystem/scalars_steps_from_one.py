"""log_scalars numbers the steps from 1 instead of 0.

breaks: log_scalars
"""
from torch.utils.tensorboard import SummaryWriter


def log_scalars(logdir, tag, values):
    with SummaryWriter(log_dir=logdir) as writer:
        for step, value in enumerate(values, start=1):
            writer.add_scalar(tag, value, step)
