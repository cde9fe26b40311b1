"""Shared fixtures of the course's own tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from dlcourse.course import Course

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def course() -> Course:
    return Course.load(ROOT)


def all_cases():
    """Every (assignment, case) that verify checks, for parametrising."""
    from dlcourse.verify import cases

    c = Course.load(ROOT)
    return [case for a in c.assignments() for case in cases(c, a)]
