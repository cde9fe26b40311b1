"""11's graders start real processes (DDP ranks): none may outlive grading, even when setup hangs."""
import secrets
import time

from dlcourse.grade import grade
from dlcourse.verify import cases, submission_for
from test_cheats import _kill, _tasks_named

A = "11_torch_distributed"


def test_no_rank_outlives_a_hanging_setup(course, tmp_path):
    tag = "dl" + secrets.token_hex(5)  # a process name (at most 15 characters) to find the ranks by
    mutant = next(c for c in cases(course, A) if c.name == "setup_world_size_off_by_one")
    path = submission_for(course, mutant, tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + f'''
import ctypes
_hanging_setup = setup
def setup(rank, world_size, port):
    ctypes.CDLL(None).prctl(15, ctypes.c_char_p({tag!r}.encode()), 0, 0, 0)  # PR_SET_NAME
    return _hanging_setup(rank, world_size, port)
''', encoding="utf-8")
    result = grade(A, path, course=course, functions=["setup"])
    got, top = result.by_function()["setup"]
    assert got < top and any(t["outcome"] == "timeout" for t in result.tests), result.table()
    time.sleep(1.0)
    left = _tasks_named(tag)
    _kill(left)
    assert not left, f"DDP ranks still running after grading: {left}"
