"""The fallback sandbox (no bubblewrap) faces the same cheats: each is stopped, or is one of its known holes.

The cheat and sandbox suites run again in a subprocess with ``DLCOURSE_SANDBOX=rlimits``; there
the cheats that only bubblewrap stops are strict xfails (``Cheat.rlimits_hole``, docs/security.md),
so a hole that closes, or a new one, fails this test. The per-assignment cheats (tests/cheats/, marked
``grader_logic``) attack the graders' logic, which is the same under both sandboxes: they run once, under
bubblewrap.
"""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_cheat_suite_under_the_rlimits_fallback():
    env = dict(os.environ, DLCOURSE_SANDBOX="rlimits")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
                           "-o", "addopts=", "-m", "not grader_logic", "tests/test_cheats.py", "tests/test_sandbox.py"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    tail = done.stdout[-4000:]
    assert done.returncode == 0, tail
    assert "xfailed" in tail and " passed" in tail, tail
