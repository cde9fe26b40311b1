"""Cheats against the graders of 12_torch_memory (issue 22): each is a wrong submission plus an attack.

Mechanisms: the scaler's scale set by hand so that it looks updated and backed off without any step; the
recomputation of checkpointed blocks faked by running them again in backward while every activation is kept;
extra optimizer steps hidden from the grader's step hook.
"""
from cheat_kit import Cheat, dedent

A = "12_torch_memory"

# Every graded name defined, every one wrong: this scores 0 on its own.
WRONG = dedent('''
    import numpy as np
    import torch
    import torch.nn.functional as F
    from torch import nn

    def accumulation_step(model, optimizer, loss_fn, micro_batches):
        return 0.0

    def autocast_forward(model, x):
        return torch.zeros(1)

    def amp_step(model, optimizer, scaler, loss_fn, x, y):
        return 0.0

    def checkpointed_forward(blocks, x, segments):
        return x
    ''')

# The plain forward: right outputs and gradients (3 points), nothing checkpointed.
PLAIN = WRONG + dedent('''
    def checkpointed_forward(blocks, x, segments):
        return blocks(x)
    ''')

CHEATS = {
    # No step at all: look at the batch, and set the scale as a scaler would have after a good or a bad step.
    "set_the_scale_by_hand": Cheat(dedent('''
        def amp_step(model, optimizer, scaler, loss_fn, x, y):
            finite = bool(torch.isfinite(x).all())
            scaler.update(scaler.get_scale() * (2.0 if finite else 0.5))
            return float(loss_fn(model(x), y)) if finite else 0.0
        '''), assignment=A, base=WRONG),
    # Keep every activation (the plain forward), and run the blocks once more during backward so that they
    # look recomputed.
    "rerun_the_blocks_in_backward": Cheat(dedent('''
        class _Again(torch.autograd.Function):
            @staticmethod
            def forward(ctx, out, x, blocks_id):
                ctx.x, ctx.blocks_id = x.detach(), blocks_id
                return out.view_as(out)

            @staticmethod
            def backward(ctx, grad):
                with torch.no_grad():
                    _BLOCKS[ctx.blocks_id](ctx.x)
                return grad, None, None

        _BLOCKS = {}

        def checkpointed_forward(blocks, x, segments):
            _BLOCKS[id(blocks)] = blocks
            return _Again.apply(blocks(x), x, id(blocks))
        '''), assignment=A, base=PLAIN, earned=3.0),
    # Step after every micro-batch (wrong), then remove the optimizer's step hooks so the extra steps go unseen.
    "hide_extra_optimizer_steps": Cheat(dedent('''
        def accumulation_step(model, optimizer, loss_fn, micro_batches):
            for hooks in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks"):
                getattr(optimizer, hooks, {}).clear()
            for x, y in micro_batches:
                optimizer.zero_grad()
                loss_fn(model(x), y).backward()
                optimizer.step()
            return 0.0
        '''), assignment=A, base=WRONG),
}
