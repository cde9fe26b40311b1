"""Grade a whole class into nbgrader's gradebook: in parallel, resumable, sharded.

Two steps, each safe to kill and rerun: (1) grade every submission with the hidden graders
in ``jobs`` processes, storing each result atomically (store.py); (2) record each through
nbgrader's own autograde steps (our ``HiddenGraders`` step finds the stored result), a batch
of learners per transaction (gradebook.py), so the gradebook, feedback and formgrader are
nbgrader's. Step 2 runs in this process as results arrive, while the pool grades the rest.
"""
from __future__ import annotations

import copy
import glob
import sys
import time
import warnings
from pathlib import Path

from traitlets.config import Config

from .course import Course
from .errors import CourseError
from .grade import grade_job
from .gradebook import Recorder, one_engine
from .pool import run_all
from .report import Result
from .store import result_store, submission_digest


BATCH = 10   # learners recorded per gradebook transaction


def parse_shard(text: str) -> tuple[int, int]:
    """``"K/N"`` -> (K, N) with 1 <= K <= N."""
    try:
        k, n = (int(v) for v in text.split("/"))
    except ValueError:
        raise CourseError(f"--shard takes K/N, e.g. 1/2 (got {text!r})") from None
    if not 1 <= k <= n:
        raise CourseError(f"--shard {text}: K must be between 1 and N")
    return k, n


def nbgrader_api(course: Course, overrides: dict | None = None):
    """nbgrader's API on the course's configuration (plus ``overrides``, e.g. another course root)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = copy.deepcopy(course.config)
    config.merge(Config(overrides or {}))
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def submissions(coursedir, assignment: str) -> dict[str, Path]:
    """Learner id -> submitted notebook, for every learner with a submission folder."""
    base = Path(coursedir.format_path(coursedir.submitted_directory, "*", assignment))
    found = {}
    for folder in sorted(glob.glob(str(base))):
        parts = Path(folder).relative_to(Path(coursedir.root) / coursedir.submitted_directory).parts
        found[parts[0]] = Path(folder) / f"{assignment}.ipynb"
    return found


def autograde(assignment: str, jobs: int = 1, shard: str = "1/1", course: Course | None = None,
              overrides: dict | None = None, out=sys.stdout) -> int:
    """Grade every submission of ``assignment`` (this shard's part) into the gradebook."""
    course = course or Course.load()
    course.info(assignment)
    k, n = parse_shard(shard)
    api = nbgrader_api(course, overrides)
    everyone = submissions(api.coursedir, assignment)
    if not everyone:
        raise CourseError(f"no submissions of {assignment} under {api.coursedir.root}/{api.coursedir.submitted_directory}; "
                          f"run `nbgrader collect {assignment}` first")
    mine = {s: p for i, (s, p) in enumerate(sorted(everyone.items())) if i % n == k - 1}
    store = result_store(Path(api.coursedir.root), assignment)
    digests = {s: submission_digest(p) for s, p in mine.items()}
    todo = [s for s in mine if store.get(s, digests[s]) is None]
    print(f"{assignment}: {len(mine)} submissions in shard {k}/{n}, {len(mine) - len(todo)} graded before; "
          f"grading {len(todo)} with {jobs} jobs", file=out)
    start = time.perf_counter()
    failures: dict[str, str] = {}
    unreadable: dict[str, str] = {}
    recording = [0.0, 0]   # seconds spent recording, submissions recorded
    recorder, ready = Recorder(api, assignment), []

    def record(students: list[str]) -> None:
        # nbgrader's own autograde steps (HiddenGraders finds the stored result): its rows, files and feedback
        begun = time.perf_counter()
        for student, success in recorder.record(students).items():
            if success:
                store.mark_recorded(student)
            else:  # nbgrader cannot open it (e.g. not JSON): its submission stays at zero, flagged for review
                unreadable[student] = "nbgrader could not autograde it; the gradebook holds 0, flagged for manual grading"
        recording[0] += time.perf_counter() - begun
        recording[1] += len(students)

    with warnings.catch_warnings(), one_engine():
        warnings.simplefilter("ignore")  # nbgrader's own SQLAlchemy and nbformat warnings, not the instructor's concern
        with progress(len(todo), "grading") as bar:
            def done(job, result, error):
                student = Path(job[1]).parent.parent.name
                if error:
                    failures[student] = error
                else:
                    store.put(student, digests[student], result)
                    ready.append(student)
                    if len(ready) >= BATCH:   # recorded while the pool grades the rest, a batch per transaction
                        record(ready[:])
                        ready.clear()
                bar.update()
            run_all(grade_job, [(assignment, str(mine[s]), str(course.root)) for s in todo], jobs, done)
        graded_s = time.perf_counter() - start
        pending = [s for s in mine if s not in failures and s not in unreadable and not store.recorded(s, digests[s])]
        with progress(len(pending), "gradebook") as bar:
            for first in range(0, len(pending), BATCH):
                record(pending[first:first + BATCH])
                bar.update(len(pending[first:first + BATCH]))
    _summary(store.results(), mine, failures, unreadable, out)
    print(f"graded in {graded_s:.1f} s, gradebook updated in {time.perf_counter() - start - graded_s:.1f} s; "
          f"results in {store.folder}", file=out)
    if recording[1]:
        print(f"gradebook: {recording[1]} recorded in {recording[0]:.1f} s ({recording[0] / recording[1]:.3f} s each, "
              "most while the rest were graded)", file=out)
    return 1 if failures else 0


def _summary(results: dict[str, Result], mine: dict, failures: dict[str, str], unreadable: dict[str, str], out) -> None:
    width = max(map(len, ["learner", *mine]))
    print(f"\n{'learner':{width}s} {'score':>11s}  notes", file=out)
    for student in mine:
        result = results.get(student)
        if student in failures or result is None:
            print(f"{student:{width}s} {'-':>11s}  NOT GRADED: {failures.get(student, 'no result')}", file=out)
            continue
        broken = sorted({t["function"] for t in result.tests if t["outcome"] != "passed"})
        notes = [*result.errors[:1], unreadable.get(student, ""),
                 *(["FLAGGED for manual grading: " + result.flags[0]] if result.flags else [])]
        notes.append(("lost points on " + ", ".join(broken)) if broken else "full marks")
        print(f"{student:{width}s} {result.score:>5g}/{result.max_score:<5g}  {'; '.join(n for n in notes if n)}", file=out)


def progress(total: int, what: str):
    """A progress bar on stderr (none when there is nothing to do)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=what, unit="sub", file=sys.stderr, disable=total == 0, leave=True)
