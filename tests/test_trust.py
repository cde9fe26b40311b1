"""The trust model of docs/security.md, one regression test per mechanism a white-box review used.

Each submission here implements nothing correctly; an attack that worked would show up as a hang,
a leaked secret, a forged reply, or points.
"""
import ctypes
import textwrap
import time
import uuid

import numpy as np
import pytest

from dlcourse import protocol
from dlcourse.grade import memory_cap
from dlcourse.grading import probe
from dlcourse.loader import Cell, Submission
from dlcourse.runner import ProbeFailed, Run, RunSettings
from dlcourse.limits import Limits

_LIBC = ctypes.CDLL(None, use_errno=True)
_ADD_KEY, _KEYCTL = 248, 250
_SESSION, _USER = -3, -4
_KEYCTL_SEARCH, _KEYCTL_UNLINK = 10, 9


def _run(course, code, **settings):
    protected = [str(course.root / d) for d in ("autograder", "solutions", "source", "tests")]
    settings.setdefault("limits", Limits(memory_mb=1536))
    sub = Submission(course.root / "x.py", [Cell(1, textwrap.dedent(code))])
    return Run(sub, RunSettings(protected=protected, **settings), seed=1)


@probe
def probe_call(mod, name, *args):
    return getattr(mod, name)(*args)


def _host_key(description: str, keyring: int) -> int:
    """The id of a 'user' key with ``description`` in one of this process's keyrings, or -1."""
    return _LIBC.syscall(_KEYCTL, _KEYCTL_SEARCH, ctypes.c_int(keyring), b"user", description.encode(), 0)


# --- 1. every wait is bounded -------------------------------------------------------------
def test_a_worker_that_stops_reading_is_killed_within_its_limit(course):
    run = _run(course, '''
        import os, struct
        def jam():
            # Fill our own request pipe (reopened for writing) with the start of a huge message, so the
            # worker waits for its body and the grader's next request cannot be written.
            for fd in range(3, 64):
                try:
                    if not os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
                        continue
                    w = os.open(f"/proc/self/fd/{fd}", os.O_WRONLY | os.O_NONBLOCK)
                except OSError:
                    continue
                try:
                    os.write(w, struct.pack("!I", 60 << 20))
                    while True:
                        os.write(w, b" " * 65536)
                except OSError:
                    pass
            return 1
        ''')
    try:
        start = time.monotonic()
        try:
            run.call(probe_call, "jam", timeout=5)
        except ProbeFailed:
            pass
        with pytest.raises(ProbeFailed) as failed:
            run.call(probe_call, "jam", "x" * (1 << 20), timeout=5)   # a request larger than any pipe buffer
        assert failed.value.outcome in {"timeout", "error"}
        assert time.monotonic() - start < 60
    finally:
        run.close()
    assert any("file descriptors" in f for f in run.flags), run.flags


# --- 2. no kernel state shared with the grader or between learners ------------------------
def test_the_graders_session_keyring_is_out_of_reach(course):
    token = "dlc-" + uuid.uuid4().hex[:10]
    key = _LIBC.syscall(_ADD_KEY, b"user", token.encode(), b"grader-secret", 13, ctypes.c_int(_SESSION))
    assert key > 0, "could not plant a key in this test's session keyring"
    run = _run(course, '''
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        def read(description):
            key = libc.syscall(250, 10, ctypes.c_int(-3), b"user", description.encode(), 0)
            buf = ctypes.create_string_buffer(64)
            n = libc.syscall(250, 11, key, buf, 64)
            return [int(key), int(n), buf.raw[:max(n, 0)].decode("latin-1")]
        ''')
    try:
        got = run.call(probe_call, "read", token)
    finally:
        run.close()
        _LIBC.syscall(_KEYCTL, _KEYCTL_UNLINK, key, ctypes.c_int(_SESSION))
    assert got[0] < 0 and "grader-secret" not in got[2], got
    assert any("kernel directly" in f for f in run.flags), run.flags


def test_keys_and_message_queues_do_not_reach_the_next_learner_or_the_host(course):
    token = "dlc-" + uuid.uuid4().hex[:10]
    plant = _run(course, '''
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        def plant(token):
            key = libc.syscall(248, b"user", token.encode(), b"from-learner-a", 14, ctypes.c_int(-4))
            mq = libc.syscall(240, ("/" + token).encode(), 0o100 | 2, 0o666, None)
            return [int(key), int(mq)]
        ''')
    try:
        planted = plant.call(probe_call, "plant", token)
    finally:
        plant.close()
    read = _run(course, '''
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        def read(token):
            key = libc.syscall(250, 10, ctypes.c_int(-4), b"user", token.encode(), 0)
            mq = libc.syscall(240, ("/" + token).encode(), 0, 0, None)
            return [int(key), int(mq)]
        ''')
    try:
        found = read.call(probe_call, "read", token)
    finally:
        read.close()
    assert planted[0] < 0 and planted[1] < 0, f"a learner could plant kernel objects: {planted}"
    assert found[0] < 0 and found[1] < 0, f"the next learner found them: {found}"
    assert _host_key(token, _USER) < 0 and _host_key(token, _SESSION) < 0, "a learner's key is left on the host"


# --- 3. the worker's loop cannot be replaced from the submission --------------------------
def test_patching_the_worker_forges_nothing_and_is_flagged(course):
    run = _run(course, '''
        import sys
        import dlcourse.worker as w, dlcourse.protocol as p
        w._run_probe = lambda request, module, mods: 42
        p.dumps = lambda message, _d=p.dumps: _d({**message, "value": 42})
        def answer():
            raise NotImplementedError
        ''')
    try:
        with pytest.raises(ProbeFailed) as failed:
            run.call(probe_call, "answer")
    finally:
        run.close()
    assert "not implemented" in failed.value.message
    assert any("imported the grading tool" in f for f in run.flags), run.flags


def test_a_reply_written_straight_to_the_channel_is_refused_and_flagged(course):
    run = _run(course, '''
        import json, os, struct
        def answer():
            body = json.dumps({"ok": True, "value": 42}).encode()
            for fd in range(3, 64):
                try:
                    os.write(fd, struct.pack("!I", len(body)) + body)
                except OSError:
                    pass
            raise NotImplementedError
        ''')
    try:
        with pytest.raises(ProbeFailed) as failed:
            run.call(probe_call, "answer")
    finally:
        run.close()
    assert failed.value.outcome == "error"
    assert any("reply of its own" in f for f in run.flags), run.flags


def test_walking_the_graders_frames_is_flagged_and_the_probe_source_never_shown(course):
    run = _run(course, '''
        import sys
        def answer():
            frame = sys._getframe(1)
            while frame is not None and "request" not in frame.f_locals:
                frame = frame.f_back
            raise ValueError(frame.f_locals["request"]["source"] if frame is not None else "no frame")
        ''')
    try:
        with pytest.raises(ProbeFailed) as failed:
            run.call(probe_call, "answer")
    finally:
        run.close()
    assert "getattr(mod, name)" not in failed.value.message and "not shown" in failed.value.message
    assert any("frames" in f for f in run.flags), run.flags


def test_a_correct_submission_is_not_flagged(course):
    run = _run(course, '''
        import inspect, logging, traceback, warnings
        def answer(x):
            logging.getLogger("learner").warning("fine")
            warnings.warn("fine too")
            traceback.format_exc()
            return [v * 2 for v in x]
        ''')
    try:
        assert run.call(probe_call, "answer", [1, 2]) == [2, 4]
    finally:
        run.close()
    assert run.flags == []


# --- 4. a bounded trusted side --------------------------------------------------------------
def test_a_reply_of_millions_of_values_is_refused_before_it_is_built():
    body = protocol.dumps({"ok": True, "value": [[]] * 2_000_000})[protocol.HEADER_BYTES:]
    with pytest.raises(protocol.ProtocolError):
        protocol.loads(body)
    assert protocol.loads(protocol.dumps({"v": np.zeros((1000, 1000))})[protocol.HEADER_BYTES:])["v"].shape == (1000, 1000)


def test_the_grading_process_memory_is_capped_while_grading():
    with memory_cap(256):
        with pytest.raises(MemoryError):
            np.ones((30_000, 30_000))                  # 7.2 GB: what an (N,1) vs (1,N) broadcast costs
        assert np.ones((1000, 1000)).sum() == 1e6      # ordinary work still fits
    assert np.ones((8000, 8000)).sum() == 64e6          # the cap is lifted afterwards


# --- 5. messages ------------------------------------------------------------------------------
def test_a_learners_message_is_one_bounded_line_that_cannot_pass_for_a_report(course):
    run = _run(course, '''
        def answer():
            raise ValueError("\\n[passed] everything: 30/30\\n" + "x" * 20000)
        ''')
    try:
        with pytest.raises(ProbeFailed) as failed:
            run.call(probe_call, "answer")
    finally:
        run.close()
    message = failed.value.message
    assert "\n" not in message and len(message) <= 400 and "[passed]" not in message, message
    assert message.startswith("raised ValueError"), message


# --- 6. expected values from a clean worker ------------------------------------------------
@probe
def probe_names(mod):
    return sorted(k for k in vars(mod) if not k.startswith("__"))


def test_a_clean_worker_never_loads_learner_code(course, tmp_path):
    from dlcourse.suite import Grading

    run = _run(course, "answer = 1\nimport builtins\nbuiltins.sorted = lambda *a, **k: ['forged']\n")
    grading = Grading(run, seed=1, test_timeout=60)
    try:
        assert run.call(probe_names) == ["forged"]           # the learner's own process is theirs
        assert grading.clean_run().call(probe_names) == []   # the clean one never saw their code
    finally:
        run.close()
        grading.close()
