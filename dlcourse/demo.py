"""The README's main job: build the course, then grade a demo class with the hidden graders.

The class is made of the known cases: the reference (full marks), the released stub
(zero) and each mutant (a learner with one typical mistake).
"""
from __future__ import annotations

import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from .build import build
from .course import Course
from .grade import grade
from .sandbox import detect_mode
from .verify import cases, submission_for


def _grade_one(job):
    assignment, path = job
    return grade(assignment, path)


def demo(jobs: int = 2) -> int:
    """Build, lay out the demo class under run/demo/, grade it, print the table."""
    course = Course.load()
    for line in build(course=course):
        print(line)
    base = course.root / "run" / "demo"
    shutil.rmtree(base, ignore_errors=True)
    jobs_todo, rows = [], []
    for assignment in course.assignments():
        for case in cases(course, assignment):
            student = case.name if case.kind == "mutant" else case.kind
            folder = base / "submitted" / student / assignment
            folder.mkdir(parents=True)
            src = submission_for(course, case, folder)
            path = folder / f"{assignment}{src.suffix}"
            shutil.move(src, path) if src.parent == folder else shutil.copy(src, path)
            jobs_todo.append((assignment, path))
            rows.append((student, assignment))
    print(f"grading {len(jobs_todo)} demo submissions with {jobs} jobs (sandbox: {detect_mode()}) ...")
    start = time.perf_counter()
    with ProcessPoolExecutor(jobs, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(_grade_one, jobs_todo))
    took = time.perf_counter() - start
    print(f"\n{'student':32s} {'assignment':28s} {'score':>9s}")
    for (student, assignment), result in zip(rows, results):
        out = base / "results" / student / f"{assignment}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(result.to_json(), encoding="utf-8")
        print(f"{student:32s} {assignment:28s} {result.score:>4g}/{result.max_score:<4g}")
    print(f"\ngraded {len(results)} submissions in {took:.1f} s; results in {base / 'results'}")
    return 0
