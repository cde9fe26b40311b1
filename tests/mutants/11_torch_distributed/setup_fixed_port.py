"""setup ignores its port argument and always meets on port 29500.

breaks: setup
"""
import os

import torch.distributed as dist


def setup(rank, world_size, port):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = "29500"
    dist.init_process_group("gloo", rank=rank, world_size=world_size)
