"""cleanup waits at a barrier but never destroys the process group (train_worker, which ends with
cleanup(), then leaves its group behind too).

breaks: cleanup, train_worker
"""
import torch.distributed as dist


def cleanup():
    dist.barrier()
