"""setup counts one process too many (world_size + 1): rank 0 waits for a peer that never comes.

breaks: setup, train_worker
"""
import os

import torch.distributed as dist


def setup(rank, world_size, port):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=world_size + 1)
