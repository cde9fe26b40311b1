"""A correct implementation gets full marks for every seed: the reference, graded under many seeds.

    .venv/bin/python scripts/seed_robustness.py [A...] [--seeds 50] [--tests SUBSTRING ...] [--json OUT]

Each seed is a whole grading of the reference (or of the tests whose name contains one of the SUBSTRINGs), with
inputs drawn from that seed, all on one sandboxed worker per assignment (started once). Prints every
(test, seed) where the reference lost points; exit status 1 if any did. Training and sampling tests
are the ones at risk: a bar too close to what a correct model reaches fails a few seeds in a hundred.

    .venv/bin/python scripts/seed_robustness.py [A...] --mutants --seeds 4

The other way round: each hand-written mutant must lose the same points under every seed (a mistake
that only some draws catch makes its grade a lottery, and a regraded class would change).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dlcourse.course import Course  # noqa: E402
from dlcourse.loader import load  # noqa: E402
from dlcourse.runner import Run  # noqa: E402
from dlcourse.suite import Grading, suite  # noqa: E402
from dlcourse.verify import cases, submission_for  # noqa: E402


def robustness(course: Course, assignment: str, seeds: list[int], only: list[str] | None = None) -> dict:
    """{"seeds": n, "lost": [(test, seed, message)], "seconds": s} for the reference of ``assignment``."""
    tests = [t for t in suite(course.grader_dir(assignment)) if not only or any(s in t.name for s in only)]
    settings = dataclasses.replace(course.run_settings(assignment), total_timeout=24 * 3600.0)
    run = Run(load(course.solution(assignment)), settings, seeds[0])
    lost, start = [], time.perf_counter()
    try:
        for seed in seeds:
            grading = Grading(run, seed, course.test_timeout(assignment))
            try:
                lost += [(r["name"], seed, r["message"]) for r in grading.run_all(tests) if r["outcome"] != "passed"]
            finally:
                grading.close()
    finally:
        run.close()
    return {"tests": len(tests), "seeds": len(seeds), "lost": lost, "seconds": round(time.perf_counter() - start, 1)}


def mutant_stability(course: Course, assignment: str, seeds: list[int]) -> dict:
    """{"mutants": n, "unstable": [(mutant, {seed: points})], "seconds": s}: each hand-written mutant of
    ``assignment``, graded by the tests of the functions it breaks under every seed, must lose the same
    points every time (a mistake caught only by some draws makes the grade a lottery)."""
    unstable, start = [], time.perf_counter()
    mutants = [c for c in cases(course, assignment) if c.kind == "mutant"]
    with tempfile.TemporaryDirectory(prefix="dlcourse-seeds-") as tmp:
        for case in mutants:
            tests = [t for t in suite(course.grader_dir(assignment)) if t.function in case.breaks]
            submission, points = load(submission_for(course, case, Path(tmp))), {}
            for seed in seeds:   # a fresh worker each time, as a real grading: a mutant may keep state
                run = Run(submission, course.run_settings(assignment), seed)
                grading = Grading(run, seed, course.test_timeout(assignment))
                try:
                    points[seed] = round(sum(r["points"] for r in grading.run_all(tests)), 4)
                finally:
                    grading.close()
                    run.close()
            if len(set(points.values())) > 1:
                unstable.append((case.name, points))
    return {"mutants": len(mutants), "seeds": len(seeds), "unstable": unstable,
            "seconds": round(time.perf_counter() - start, 1)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("assignments", nargs="*")
    p.add_argument("--seeds", type=int, default=50)
    p.add_argument("--first-seed", type=int, default=1)
    p.add_argument("--tests", nargs="+", default=[], help="only the hidden tests whose name contains one of these")
    p.add_argument("--json", type=Path, help="also write the results here")
    p.add_argument("--mutants", action="store_true",
                   help="instead: each hand-written mutant must lose the same points under every seed")
    args = p.parse_args(argv)
    course = Course.load(ROOT)
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    report = {}
    failed = False
    for assignment in args.assignments or course.assignments():
        if args.mutants:
            got = mutant_stability(course, assignment, seeds)
            head, problems = f"{got['mutants']} mutants", [f"{name}: {points}" for name, points in got["unstable"]]
            verdict = f"{len(problems)} with points that depend on the seed"
        else:
            got = robustness(course, assignment, seeds, args.tests)
            head = f"{got['tests']} tests"
            problems = [f"{name} lost points with seed {seed}: {message}" for name, seed, message in got["lost"]]
            verdict = f"{len(problems)} losses" if problems else "full marks every time"
        report[assignment], failed = got, failed or bool(problems)
        print(f"{assignment}: {head} x {got['seeds']} seeds in {got['seconds']} s: {verdict}", flush=True)
        for line in problems:
            print("  " + line)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
