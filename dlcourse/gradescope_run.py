"""Grade the one submission of a Gradescope container: ``python -m dlcourse.gradescope_run <a>``.

Reads ``<root>/submission`` (root: ``$DLCOURSE_AUTOGRADER_ROOT``, default ``/autograder``),
grades with the hidden graders unpacked in ``<root>/source`` and writes
``<root>/results/results.json`` in Gradescope's format. A placeholder scoring 0 is written
first, so a run that is killed (Gradescope's timeout, memory) still leaves a result; any
crash of our own replaces it with a clear message. ``$DLCOURSE_SEED`` reproduces a grade.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

VISIBILITY = "after_published"  # hidden tests: learners see them once grades are published


def autograder_root() -> Path:
    return Path(os.environ.get("DLCOURSE_AUTOGRADER_ROOT", "/autograder"))


def find_submission(folder: Path) -> Path:
    """The one notebook in ``folder`` (else the one Python file); a clear error otherwise."""
    from .errors import CourseError

    for pattern in ("*.ipynb", "*.py"):
        found = sorted(p for p in folder.rglob(pattern) if p.is_file()
                       and not any(part.startswith(".") for part in p.relative_to(folder).parts))
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = ", ".join(p.relative_to(folder).as_posix() for p in found)
            raise CourseError(f"the submission holds {len(found)} {pattern[1:]} files ({names}); submit exactly one")
    raise CourseError("the submission holds no notebook (.ipynb) or Python file; submit your notebook")


def to_gradescope(result, elapsed: float, order: list[str] | None = None) -> dict:
    """Gradescope's results.json from a ``Result``: one entry per hidden test, messages only.

    The top-level ``output`` starts with the feedback summary (dlcourse/feedback.py): each question's
    points and each lost point's message, in the notebook's order (``order``) where known.
    """
    from .feedback import summary_text

    tests = [{"name": t["name"], "score": t["points"], "max_score": t["max_points"],
              "status": "passed" if t["outcome"] == "passed" else "failed",
              "output": t["outcome"] if not t["message"] else f"{t['outcome']}: {t['message']}",
              "visibility": VISIBILITY} for t in result.tests]
    output = "\n".join([summary_text(result, order=order),
                         *(f"flagged for review by the instructor: {f}" for f in result.flags)])
    return {"score": result.score, "execution_time": int(round(elapsed)),
            "output": output + "\n" + f"grading seed {result.seed}",
            "stdout_visibility": "hidden", "tests": tests}


def failure(message: str, elapsed: float = 0) -> dict:
    return {"score": 0, "execution_time": int(round(elapsed)), "output": message,
            "stdout_visibility": "hidden", "tests": []}


def write(path: Path, results: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, indent=2), encoding="utf-8")
    os.replace(tmp, path)


_stop: dict = {}


def _terminated(signum, frame):
    # KeyboardInterrupt, not SystemExit: pytest records a SystemExit as one failed test and goes on,
    # but stops the session on an interrupt, and grade() then stops the learner's process.
    _stop["message"] = "grading was stopped (the time or memory limit of the autograder was reached)"
    write(_stop["out"], failure(f"The autograder could not grade this submission: {_stop['message']}"))
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    start = time.monotonic()
    root = autograder_root()
    out = root / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    write(out, failure("Grading did not finish: the submission crashed the grader or ran out of time. "
                       "Check that your notebook runs top to bottom, then resubmit."))
    _stop["out"] = out
    signal.signal(signal.SIGTERM, _terminated)
    try:
        if len(argv) != 1:
            raise SystemExit("usage: python -m dlcourse.gradescope_run ASSIGNMENT")
        from .course import Course
        from .grade import grade

        course = Course.load(root / "source")
        seed = os.environ.get("DLCOURSE_SEED")
        from .feedback import notebook_order

        submission = find_submission(root / "submission")
        result = grade(argv[0], submission, course=course, seed=int(seed) if seed else None)
        if "message" in _stop:  # an interrupt some layer swallowed: the grade is incomplete
            raise KeyboardInterrupt
        write(out, to_gradescope(result, time.monotonic() - start, order=notebook_order(submission)))
        print(result.table())
        return 0
    except BaseException as exc:  # the guard: whatever happened, the learner gets a result
        message = _stop.get("message") or (str(exc) if isinstance(exc, SystemExit) else f"{type(exc).__name__}: {exc}")
        # the first line only: pytest's report of a broken grader could quote the hidden tests
        shown = (message.splitlines() or [""])[0][:300]
        write(out, failure(f"The autograder could not grade this submission: {shown}",
                           time.monotonic() - start))
        print(f"dlcourse.gradescope_run: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
