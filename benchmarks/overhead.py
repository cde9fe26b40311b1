"""(b) per-submission overhead: grading wall time minus the hidden tests' own time.

Grades N learners of each assignment one after another in this process with
``dlcourse.grade.grade`` (what each `dlcourse autograde` job runs), after one untimed warm-up
grading (a job's first grading also pays for importing the graders' frameworks and, with warm
workers, starting the warm parent: shown apart as "cold"). From each result:

  tests' own time  = sum of the tests' seconds (the probes' round trips included)
  overhead         = wall time of grade() - tests' own time, split into: the worker getting ready
                     (forked from the warm parent, the learner's module loaded: ``timings.ready_s``)
                     and the rest (loading the notebook, stopping the worker, cleanup)

and the worker's peak RSS as the sandbox measured it (``Run.peak_rss``). The learner's module
load (its top-level cells: the learner's own time, inside ready_s) is timed apart, in
the sandbox (a worker started with it, minus one started with an empty module) and shown as
"overhead without it". Writes section
`overhead` of docs/benchmarks.md and run/bench/overhead.json.

    .venv/bin/python -m benchmarks.overhead --n 8
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from .common import (BENCH_ROOT, DEFAULT_ASSIGNMENTS, command_line, machine, machine_lines, make_class,
                     released_notebook, table, publish)

TARGET_S = 0.2


def worker_ready_s(course, assignment: str, path: Path | None) -> float:
    """Seconds from asking the warm sandbox for a worker to the worker ready with ``path``'s module loaded
    (None: an empty module), median of 3, in the sandbox exactly as grading starts it."""
    from dlcourse.loader import load
    from dlcourse.runner import Run

    settings, times = course.run_settings(assignment), []
    for seed in range(3):
        run = Run(load(path), settings, seed) if path else Run.empty(settings, seed)
        start = time.perf_counter()
        try:
            run.start()
        except Exception:  # a module that never loads: no learner time to separate
            pass
        times.append(time.perf_counter() - start)
        run.close()
    return statistics.median(times)


def module_load_s(course, assignment: str, path: Path, empty_s: float) -> float:
    """How long the learner's module takes to load (its top-level cells run) in a freshly forked worker:
    the worker's start with it minus the start with an empty module. The learner's own code, not
    grading overhead."""
    return max(0.0, worker_ready_s(course, assignment, path) - empty_s)


def measure(course, assignment: str, path: Path, empty_s: float, seed: int = 0) -> dict:
    from dlcourse.grade import grade

    start = time.perf_counter()
    result = grade(assignment, path, course=course, seed=seed)
    wall = time.perf_counter() - start
    own = sum(t["seconds"] for t in result.tests)
    ready = result.timings.get("ready_s", 0.0)
    try:
        load_s = module_load_s(course, assignment, path, empty_s)
    except Exception:  # a notebook the loader rejects has no module to load
        load_s = 0.0
    return {"learner": path.stem, "wall_s": wall, "tests_s": own, "overhead_s": wall - own, "ready_s": ready,
            "rest_s": wall - own - ready, "module_load_s": load_s, "overhead_wo_load_s": wall - own - load_s,
            "tests": len(result.tests), "score": f"{result.score:g}/{result.max_score:g}",
            "worker_starts": result.timings.get("worker_starts"), "peak_rss_mib": result.timings.get("peak_rss_mb", 0.0)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=8, help="learners per assignment (default 8)")
    p.add_argument("--assignments", nargs="+", default=DEFAULT_ASSIGNMENTS)
    p.add_argument("--no-doc", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = p.parse_args(argv)

    from dlcourse.course import Course
    from dlcourse.bubblewrap import detect_mode

    info = machine()
    course = Course.load()
    report = {"machine": info, "command": command_line(), "n": args.n, "assignments": {}}
    for assignment in args.assignments:
        folder = BENCH_ROOT / "overhead" / assignment
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for student, content in make_class(course, assignment, released_notebook(course, assignment), args.n).items():
            paths.append(folder / f"{student}.ipynb")
            paths[-1].write_bytes(content)
        print(f"{assignment}: warm-up grading (cold) ...", flush=True)
        cold = measure(course, assignment, paths[0], 0.0)
        empty_s = worker_ready_s(course, assignment, None)
        rows = []
        for path in paths:
            rows.append(measure(course, assignment, path, empty_s))
            r = rows[-1]
            print(f"  {r['learner']:40s} wall {r['wall_s']:6.2f}  tests {r['tests_s']:6.2f}  overhead {r['overhead_s']:5.2f} s"
                  f"  peak RSS {r['peak_rss_mib']:.0f} MiB", flush=True)
        report["assignments"][assignment] = {"cold": cold, "warm": rows}
    report["sandbox"] = detect_mode()
    publish("overhead", render(args, info, report), report, BENCH_ROOT / "overhead.json", doc=not args.no_doc)
    return 0


def render(args, info: dict, report: dict) -> str:
    lines = ["### (b) Per-submission overhead (wall time minus the tests' own time)", "",
             f"Command: `{command_line()}`", "", *machine_lines(info, smoke=args.n < 8),
             f"- sandbox: {report['sandbox']}; one grading at a time, in one process, after one untimed warm-up; "
             f"target: overhead ≤ {TARGET_S} s", ""]
    head = ["assignment", "learners", "wall median (s)", "tests' own median (s)", "**overhead median (s)**",
            "overhead max (s)", "worker ready (learner module included) / the rest (median s)", "cold 1st grading: wall / overhead (s)",
            "learner module load median (s)", "**overhead without it, median (s)**", "worker peak RSS median / max (MiB)"]
    rows = []
    for assignment, got in report["assignments"].items():
        warm, cold = got["warm"], got["cold"]
        med = lambda key: statistics.median(r[key] for r in warm)  # noqa: E731
        rss = [r["peak_rss_mib"] for r in warm]
        rows.append([assignment, len(warm), f"{med('wall_s'):.2f}", f"{med('tests_s'):.2f}", f"**{med('overhead_s'):.2f}**",
                     f"{max(r['overhead_s'] for r in warm):.2f}",
                     f"{med('ready_s'):.2f} / {med('rest_s'):.2f}",
                     f"{cold['wall_s']:.2f} / {cold['overhead_s']:.2f}", f"{med('module_load_s'):.2f}",
                     f"**{med('overhead_wo_load_s'):.2f}**", f"{statistics.median(rss):.0f} / {max(rss):.0f}"])
    lines += [table(rows, head), "", "Per learner:", ""]
    per = []
    for assignment, got in report["assignments"].items():
        for r in got["warm"]:
            per.append([assignment, r["learner"], r["score"], r["tests"], f"{r['wall_s']:.2f}", f"{r['tests_s']:.2f}",
                        f"{r['overhead_s']:.2f}", f"{r['ready_s']:.2f}", f"{r['rest_s']:.2f}", f"{r['module_load_s']:.2f}",
                        r["worker_starts"], f"{r['peak_rss_mib']:.0f}"])
    lines.append(table(per, ["assignment", "learner", "score", "tests", "wall", "tests' own", "overhead", "ready",
                             "rest", "module load", "worker starts", "peak RSS MiB"]))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
