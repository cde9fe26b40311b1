"""What a cheat is, for tests/test_cheats.py and the per-assignment files tests/cheats/<a>.py.

A file tests/cheats/<a>.py defines ``CHEATS = {"name": Cheat(code, assignment=..., base=...)}``: each cheat
is a whole submission (``base`` + ``code``) whose graded functions are wrong, plus an attack on the graders;
it must score exactly ``earned``. Placeholders: ``{ROOT}``, ``{TOKEN}``, ``{TMP}`` (see test_cheats.py).
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass


@dataclass
class Cheat:
    code: str
    assignment: str = ""         # the assignment whose graders it attacks
    base: str = ""               # the wrong submission it starts from
    earned: float = 0.0          # what the base earns without the attack
    survivors: bool = False      # the cheat starts processes named {TOKEN}: none may outlive the run
    xfail: str = ""              # a known hole, reported: the test stays and is expected to fail until fixed
    rlimits_hole: str = ""       # gets through the fallback sandbox only (no bubblewrap): why (docs/security.md)
    rlimits_hole_always: bool = True  # False: whether it gets through depends on what else runs on the machine


def dedent(code: str) -> str:
    """A cheat's code, written indented in a triple-quoted string."""
    return textwrap.dedent(code)
