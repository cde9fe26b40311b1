"""Does the sandbox hold? Course files unreadable, limits enforced, nothing left running."""
import os
import textwrap
import time

import pytest

from dlcourse.loader import Cell, Submission
from dlcourse.runner import ProbeFailed, Run, RunSettings
from dlcourse.bubblewrap import detect_mode
from dlcourse.limits import Limits
from dlcourse.grading import probe


def _run(course, code, **settings):
    protected = [str(course.root / d) for d in ("autograder", "solutions", "source", "tests")]
    sub = Submission(course.root / "x.py", [Cell(1, textwrap.dedent(code))])
    return Run(sub, RunSettings(protected=protected, **settings), seed=1)


@probe
def probe_call(mod, name, *args):
    return getattr(mod, name)(*args)


def test_sandbox_mechanism_is_known():
    assert detect_mode() in {"bwrap", "rlimits"}


def test_course_files_are_not_readable(course):
    run = _run(course, '''
        import os
        def readable(root, wanted):
            found = []
            for d in wanted:
                for base, dirs, files in os.walk(os.path.join(root, d)):
                    for f in files:
                        try:
                            open(os.path.join(base, f)).read(1)
                            found.append(os.path.join(base, f))
                        except Exception:
                            pass
            return found
        ''')
    hidden = ["autograder", "solutions", "source", "tests"]
    try:
        assert run.call(probe_call, "readable", str(course.root), hidden) == []
        assert run.call(probe_call, "readable", "..", hidden) == []
    finally:
        run.close()


def test_endless_loop_times_out_and_the_next_probe_still_runs(course):
    run = _run(course, '''
        def spin():
            while True:
                pass
        def fine():
            return 42
        ''')
    try:
        with pytest.raises(ProbeFailed) as info:
            run.call(probe_call, "spin", timeout=2)
        assert info.value.outcome == "timeout"
        assert run.call(probe_call, "fine") == 42
    finally:
        run.close()


def test_memory_bomb_is_killed_with_a_reason(course):
    run = _run(course, '''
        def bomb():
            blocks = []
            while True:
                blocks.append(bytearray(50 * 2**20))
        ''', limits=Limits(memory_mb=400))
    try:
        with pytest.raises(ProbeFailed) as info:
            run.call(probe_call, "bomb", timeout=60)
        assert "memory" in info.value.message
    finally:
        run.close()


def test_no_process_outlives_the_run(course):
    run = _run(course, '''
        import os, time
        def fork_and_hide():
            if os.fork() == 0:
                os.setsid()
                time.sleep(600)
                os._exit(0)
            return 1
        ''', allow_subprocess=True)
    run.start()
    worker = run._worker
    root = worker.pid
    try:
        run.call(probe_call, "fork_and_hide")
        assert len(worker.sandbox.learner_pids()) >= 2  # the worker and the hidden one
    finally:
        run.close()
    assert worker.sandbox.learner_pids() == []
    assert not os.path.exists(f"/proc/{root}/stat") or open(f"/proc/{root}/stat").read().split()[2] == "Z"


@pytest.mark.xfail(detect_mode() != "bwrap", strict=True,
                   reason="the fallback sandbox has no private /tmp or /dev/shm (docs/security.md)")
def test_nothing_carries_over_to_the_next_run(course):
    """A warm sandbox serves the next learner: no file, process or shared memory of the last one."""
    leave = _run(course, '''
        import os, subprocess
        from multiprocessing import shared_memory
        def leave(token):
            for folder in ("/tmp", "/dev/shm", os.path.expanduser("~"), ".", "/", "/dev", "/etc"):
                try:
                    open(os.path.join(folder, token), "w").write("x")
                except OSError:
                    pass
            shm = shared_memory.SharedMemory(name=token + "-shm", create=True, size=64)
            shm.buf[:1] = b"y"
            subprocess.Popen(["sleep", "600"], start_new_session=True)
            return 1
        ''', allow_subprocess=True)
    look = _run(course, '''
        import os, glob
        def look(token):
            found = [p for folder in ("/tmp", "/dev/shm", os.path.expanduser("~"), ".", "/", "/dev", "/etc")
                     for p in glob.glob(os.path.join(folder, token + "*"))]
            found += glob.glob(os.path.expanduser("~/**/" + token + "*"), recursive=True)
            procs = [pid for pid in os.listdir("/proc") if pid.isdigit() and "sleep" in open(f"/proc/{pid}/comm").read()]
            return found + procs
        ''')
    token = f"dlc-left-{os.getpid()}"
    try:
        assert leave.call(probe_call, "leave", token) == 1
        sandbox = leave._worker.sandbox
    finally:
        leave.close()
    try:
        look.start()
        assert look._worker.sandbox is sandbox  # the same warm sandbox, reused
        assert look.call(probe_call, "look", token) == []
    finally:
        look.close()


def test_import_crash_is_reported_once_and_cheaply(course):
    run = _run(course, "import os\nos._exit(3)\n")
    with pytest.raises(ProbeFailed) as first:
        run.call(probe_call, "anything")
    with pytest.raises(ProbeFailed) as second:
        run.call(probe_call, "anything")
    run.close()
    assert "could not be loaded" in first.value.message and run.starts == 1
    assert second.value.message == first.value.message


def test_torch_optimizer_after_tensorflow_does_not_crash(course):
    run = _run(course, '''
        import torch
        def sgd():
            p = torch.zeros(2, requires_grad=True)
            torch.optim.SGD([p], lr=0.1).step()
            return 1
        ''', preload=["tensorflow", "torch"])
    try:
        assert run.call(probe_call, "sgd", timeout=120) == 1
    finally:
        run.close()


_CONDITIONS = '''
    import os, resource
    def conditions():
        return [os.nice(0), sorted(os.sched_getaffinity(0)), list(resource.getrlimit(resource.RLIMIT_NOFILE))]
    '''


@pytest.mark.parametrize("attack", [
    "os.kill(os.getppid(), signal.SIGSTOP)",
    "os.kill(os.getppid(), signal.SIGKILL)",
    "os.setpriority(os.PRIO_PROCESS, os.getppid(), 19)",
    "os.sched_setaffinity(os.getppid(), {min(os.sched_getaffinity(0))})",
    "resource.prlimit(os.getppid(), resource.RLIMIT_NOFILE, (16, 16))",
])
def test_a_learner_cannot_spoil_the_warm_parent_for_the_next(course, attack):
    """The worker's parent is the warm zygote: whatever a learner does to it, the next learner runs as usual."""
    baseline = _run(course, _CONDITIONS)
    try:
        expected = baseline.call(probe_call, "conditions")
    finally:
        baseline.close()
    spoil = _run(course, f'''
        import os, signal, resource
        def spoil():
            {attack}
            return 1
        ''')
    try:
        spoil.call(probe_call, "spoil")
    except ProbeFailed:
        pass  # the attack may take its own run down
    finally:
        spoil.close()
    after = _run(course, _CONDITIONS)
    try:
        assert after.call(probe_call, "conditions", timeout=60) == expected
    finally:
        after.close()
