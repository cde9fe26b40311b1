"""cleanup waits at a barrier but never destroys the process group.

breaks: cleanup
"""
import torch.distributed as dist


def cleanup():
    dist.barrier()
