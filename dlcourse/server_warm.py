"""An instructor's Jupyter server: the formgrader's first autograde finds its graders and a sandbox warm.

A Jupyter server extension (``c.ServerApp.jpserver_extensions = {"dlcourse.server_warm": True}``, in the
instructor's configuration only). In a background thread it grades the released stub of the assignment
an instructor is most likely to grade next, once: that imports the assignment's graders and leaves a
warm sandbox (warm.py) in this process, where the formgrader's ``HiddenGraders`` runs. Without it, the
first learner autograded from the formgrader pays the frameworks' import (5-7 s).
"""
from __future__ import annotations

import os
import threading
import time

from .course import Course


def to_grade_next(course: Course, now: float) -> str | None:
    """The released assignment most recently due (at ``now``), else the one due soonest; None if none is released."""
    from .loop import epoch

    released = [a for a in course.assignments() if course.notebook(a, "release").is_file()]
    dues = {a: epoch(course.info(a)["due"]) for a in released if course.info(a).get("due")}
    past = [a for a in dues if dues[a] <= now]
    if past:
        return max(past, key=dues.get)
    if dues:
        return min(dues, key=dues.get)
    return released[-1] if released else None


def warm_up(course: Course, assignment: str) -> None:
    """Grade ``assignment``'s released stub once in this process (the result is not kept)."""
    from .grade import grade

    grade(assignment, course.notebook(assignment, "release"), course=course)


def _warm_in_background(log) -> None:
    try:
        course = Course.load()
        assignment = to_grade_next(course, time.time())
        if assignment is None:
            return
        start = time.perf_counter()
        warm_up(course, assignment)
        log.info("dlcourse: graders and a sandbox of %s warm for the formgrader (%.1f s)", assignment,
                 time.perf_counter() - start)
    except Exception as exc:  # never stop the instructor's server: the first autograde is then only slower
        log.warning("dlcourse: could not warm the formgrader's grading (%s: %s)", type(exc).__name__, exc)


def _jupyter_server_extension_points():
    return [{"module": "dlcourse.server_warm"}]


def _load_jupyter_server_extension(serverapp) -> None:
    # A learner's server (the k8s image shares one global config) never grades: nothing to warm.
    if os.environ.get("DLCOURSE_FORMGRADER_WARM", "1") == "0" or os.environ.get("DLCOURSE_HUB_ROLE") == "learner":
        return
    threading.Thread(target=_warm_in_background, args=(serverapp.log,), name="dlcourse-warm", daemon=True).start()
