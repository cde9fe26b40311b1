"""Hidden graders of best_device: CUDA when torch says it is available, else the CPU."""
from dlcourse.grading import expect, graded, probe


@probe
def probe_best_device(mod, available):
    # Pretend CUDA is (or is not) available, call best_device, then restore torch.
    fake_available = lambda *a, **k: available  # noqa: E731
    fake_count = lambda *a, **k: 1 if available else 0  # noqa: E731
    patches = [(torch.cuda, "is_available", fake_available), (torch.cuda, "device_count", fake_count)]
    accel = getattr(torch, "accelerator", None)
    if accel is not None:
        patches.append((accel, "is_available", fake_available))
        patches.append((accel, "current_accelerator",
                        lambda *a, **k: torch.device("cuda") if available else None))
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]
    # names the learner imported directly (from torch.cuda import is_available)
    aliases = [(key, value) for key, value in vars(mod).items()
               if any(value is original for _, _, original in originals)]
    try:
        for owner, name, fake in patches:
            setattr(owner, name, fake)
        for key, value in aliases:
            for (_, _, original), (_, _, fake) in zip(originals, patches):
                if value is original:
                    setattr(mod, key, fake)
        device = mod.best_device()
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)
        for key, value in aliases:
            setattr(mod, key, value)
    if type(device) is torch.device:
        return {"is_device": True, "type": device.type}
    return {"is_device": False, "type": None}


@graded("best_device", points=1)
def test_best_device_cuda_when_available(sub, rng):
    got = sub.run(probe_best_device, True)
    expect(got["is_device"], "best_device() should return a torch.device object, not a string or anything else")
    expect(got["type"] == "cuda", "with CUDA available, best_device() did not return a CUDA device")


@graded("best_device", points=1)
def test_best_device_cpu_when_unavailable(sub, rng):
    got = sub.run(probe_best_device, False)
    expect(got["is_device"], "best_device() should return a torch.device object, not a string or anything else")
    expect(got["type"] == "cpu", "without CUDA, best_device() did not return the CPU device")
