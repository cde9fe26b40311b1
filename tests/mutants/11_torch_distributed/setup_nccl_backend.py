"""setup asks for the nccl backend, which needs GPUs (on CPU the backend is gloo).

breaks: setup, train_worker
"""
import os

import torch.distributed as dist


def setup(rank, world_size, port):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("nccl", rank=rank, world_size=world_size)
