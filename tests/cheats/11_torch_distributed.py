"""Cheats against the graders of 11_torch_distributed (issue 22): each is a wrong submission plus an attack.

Mechanisms: the probe's inputs in its frames' locals (read them, compute the answer without talking to
the other rank), torch.distributed's functions replaced (while the learner's function runs, or at import)
so that the grader's own calls afterwards report a group that is not there, and a cleanup that hides the
group instead of destroying it.
"""
from cheat_kit import Cheat, dedent

A = "11_torch_distributed"

# Every graded name defined, every one wrong: this scores 0 on its own.
WRONG = dedent('''
    import os, sys
    import torch
    import torch.distributed as dist
    from torch import nn
    from torch.utils.data import DataLoader

    LR, BATCH_PER_RANK = 0.1, 8

    def build_model():
        torch.manual_seed(0)
        return nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 1))

    def global_batch(step, world_size):
        g = torch.Generator().manual_seed(1000 + step)
        x = torch.randn(BATCH_PER_RANK * world_size, 5, generator=g)
        return x, x.sum(dim=1, keepdim=True).sin()

    def wrap_data_parallel(model):
        return nn.DataParallel(model)

    def setup(rank, world_size, port):
        pass

    def cleanup():
        pass

    def shard_loader(dataset, rank, world_size, batch_size, epoch, seed=0):
        return DataLoader(dataset, batch_size=batch_size)

    def average_gradients(model):
        pass

    def train_worker(rank, world_size, port, steps, out_dir):
        pass
    ''')

# Shared by the cheats: look through every frame above for a local of one of these names.
FRAMES = dedent('''
    def _find(*names):
        f = sys._getframe(1)
        while f is not None:
            for name in names:
                if name in f.f_locals:
                    return f.f_locals[name]
            f = f.f_back
        return None

    def _listen(port):  # answer the grader's "does something listen on the port" with a socket of our own
        import socket
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            s.listen(8)
        except OSError:
            pass
        return s
    ''')

# A fake group: torch.distributed's functions answer as if setup had made one, and all_reduce
# "sums" the per-rank inputs it finds in the probe's frames.
FAKE_GROUP = FRAMES + dedent('''
    _state = {}

    def _fake_all_reduce(t, *a, **k):
        rows = _find("base", "values", "xs")
        if isinstance(rows, list) and rows and isinstance(rows[0], list) and len(rows[0]) == t.numel():
            t.copy_(torch.tensor(rows, dtype=t.dtype).sum(dim=0).reshape(t.shape))
        else:
            t.mul_(_state.get("world_size", 2))

    def _fake(rank, world_size, port):
        _state.update(rank=rank, world_size=world_size, sock=_listen(port) if rank == 0 else None)
        for module in (dist, dist.distributed_c10d):
            module.is_initialized = lambda: True
            module.get_rank = lambda *a, **k: _state["rank"]
            module.get_world_size = lambda *a, **k: _state["world_size"]
            module.get_backend = lambda *a, **k: "gloo"
            module.all_reduce = _fake_all_reduce
            module.barrier = lambda *a, **k: None
            module.destroy_process_group = lambda *a, **k: None
    ''')

CHEATS = {
    # setup makes no group: it replaces torch.distributed's functions while it runs and sums the inputs it
    # finds in the probe's frames (the grader took torch's own functions before setup ran, and each rank's
    # contribution holds a secret drawn after the fork)
    "dist11_setup_fakes_the_group_while_it_runs": Cheat(FAKE_GROUP + dedent('''
        def setup(rank, world_size, port):
            _fake(rank, world_size, port)
        '''), assignment=A, base=WRONG),
    # the same fakes installed at import time, so that the grader's own calls hit them too
    "dist11_setup_fakes_the_group_at_import": Cheat(FAKE_GROUP + dedent('''
        _fake(0, 2, 0)
        def setup(rank, world_size, port):
            _state.update(rank=rank, world_size=world_size, sock=_listen(port) if rank == 0 else None)
        '''), assignment=A, base=WRONG),
    # average_gradients never communicates: it rebuilds every rank's gradients from the probe's inputs
    # (seed, layer sizes, each rank's data) found in the frames above it, and writes their mean
    "dist11_average_gradients_from_the_probes_inputs": Cheat(FRAMES + dedent('''
        def average_gradients(model):
            seed, hidden, xs, ys = (_find(n) for n in ("seed", "hidden", "xs", "ys"))
            grads = []
            for x, y in zip(xs, ys):
                torch.manual_seed(seed)
                layers = [nn.Linear(len(x[0]), hidden[0])]
                for a, b in zip(hidden, hidden[1:] + [1]):
                    layers += [nn.Tanh(), nn.Linear(a, b)]
                m = nn.Sequential(*layers).double()
                nn.functional.mse_loss(m(torch.tensor(x, dtype=torch.float64)),
                                       torch.tensor(y, dtype=torch.float64)).backward()
                grads.append([p.grad for p in m.parameters()])
            for i, p in enumerate(model.parameters()):
                p.grad = torch.stack([g[i] for g in grads]).mean(dim=0)
        '''), assignment=A, base=WRONG),
    # cleanup does not destroy the group: it replaces is_initialized (False) and init_process_group
    # (destroy first, then make the new group) while it runs
    "dist11_cleanup_patches_is_initialized": Cheat(dedent('''
        def cleanup():
            c10d = dist.distributed_c10d
            real_init, real_destroy, real_is = dist.init_process_group, dist.destroy_process_group, dist.is_initialized
            def init(*a, **k):
                for module in (dist, c10d):
                    module.is_initialized, module.init_process_group = real_is, real_init
                real_destroy()
                return real_init(*a, **k)
            for module in (dist, c10d):
                module.is_initialized = lambda: False
                module.init_process_group = init
        '''), assignment=A, base=WRONG),
    # cleanup only hides the group: the default group is forgotten, the group itself stays alive
    "dist11_cleanup_hides_the_default_group": Cheat(dedent('''
        _kept = []
        def cleanup():
            c10d = dist.distributed_c10d
            _kept.append(c10d._get_default_group())
            c10d._world.default_pg = None
        '''), assignment=A, base=WRONG),
    # train_worker makes no group at all: every rank trains one process on the whole batches from the
    # notebook's build_model (the grader's build_model moves each rank's start by a secret of its own)
    "dist11_train_worker_one_process_per_rank": Cheat(dedent('''
        _build = build_model
        def train_worker(rank, world_size, port, steps, out_dir):
            model = _build()
            optimizer = torch.optim.SGD(model.parameters(), lr=LR)
            for step in range(steps):
                x, y = global_batch(step, world_size)
                optimizer.zero_grad()
                nn.MSELoss()(model(x), y).backward()
                optimizer.step()
            torch.save(model.state_dict(), os.path.join(out_dir, f"rank{rank}.pt"))
        '''), assignment=A, base=WRONG),
    # train_worker saves nothing; torch.load, which the grader calls afterwards, is replaced at import
    # to return the weights of one process training on the whole batches
    "dist11_train_worker_patches_torch_load": Cheat(dedent('''
        def _trained(steps=None):
            steps = steps or 3
            model = build_model()
            optimizer = torch.optim.SGD(model.parameters(), lr=LR)
            for step in range(steps):
                x, y = global_batch(step, 2)
                optimizer.zero_grad()
                nn.MSELoss()(model(x), y).backward()
                optimizer.step()
            return model.state_dict()
        _real_exists = os.path.exists
        os.path.exists = lambda p: True if str(p).endswith(".pt") else _real_exists(p)
        torch.load = lambda *a, **k: _trained()
        def train_worker(rank, world_size, port, steps, out_dir):
            torch.load = lambda *a, **k: _trained(steps)
        '''), assignment=A, base=WRONG),
}
