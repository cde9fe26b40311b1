"""(b) per-submission overhead: grading wall time minus the hidden tests' own time.

Grades N learners of each assignment one after another in this process with
``dlcourse.grade.grade`` (what each `dlcourse autograde` job runs), after one untimed warm-up
grading (a job's first grading also pays for importing the graders' frameworks and, with warm
workers, starting the warm parent: shown apart as "cold"). Results carry no durations, so a
subclass of the grading plugin, put in place for this process only, reads pytest's own
per-phase durations:

  tests' own time  = sum of the tests' call phases (the probes' round trips included)
  overhead         = wall time of grade() - tests' own time, split into: before the first test
                     (loading the notebook, starting the worker, pytest collecting the graders),
                     test setup (the first test waits there for the worker to be ready), and
                     after the last test (stopping the worker: ``Run.close``, timed apart; cleanup)

and the worker's peak RSS as the sandbox measured it (``Run.peak_rss``). The learner's module
load (its top-level cells: the learner's own time, inside the setup phase) is timed apart, in
this process, and shown as "overhead without it". Writes section
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

TARGET_S = 0.5


def timing_plugin(base):
    """A GradingPlugin that also keeps pytest's per-phase durations and hook times."""

    class TimingPlugin(base):
        last = None

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.phases: list[tuple[str, str, float]] = []
            self.first_start = self.last_finish = None
            TimingPlugin.last = self

        def pytest_runtest_logstart(self, nodeid, location):
            if self.first_start is None:
                self.first_start = time.perf_counter()

        def pytest_runtest_logfinish(self, nodeid, location):
            self.last_finish = time.perf_counter()

        def pytest_runtest_logreport(self, report):
            self.phases.append((report.nodeid, report.when, report.duration))

    return TimingPlugin


def time_close(run_cls) -> list[float]:
    """Wrap ``Run.close`` (this process only) to keep how long stopping each worker took."""
    took: list[float] = []
    close = run_cls.close

    def timed_close(self):
        start = time.perf_counter()
        try:
            return close(self)
        finally:
            took.append(time.perf_counter() - start)

    run_cls.close = timed_close
    return took


def module_load_s(path: Path) -> float:
    """How long the learner's module takes to load (its top-level cells run), outside any
    sandbox, in this process where the graders already imported the frameworks: the part of
    the worker's start that is the learner's own code, not grading overhead (approximate:
    this process's thread count, not the worker's)."""
    import contextlib
    import io
    import tempfile

    from dlcourse.loader import load
    from dlcourse.worker import load_module

    submission = load(path)
    text, spans = submission.module_text()
    with tempfile.TemporaryDirectory(prefix="dlcourse-bench-") as tmp:
        module_path = Path(tmp) / "submission.py"
        module_path.write_text(text, encoding="utf-8")
        sink = io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            load_module(str(module_path), [[s, n, c.number] for (s, n), c in zip(spans, submission.cells)])
        return time.perf_counter() - start


def measure(course, assignment: str, path: Path, plugin_cls, closes: list[float], seed: int = 0) -> dict:
    from dlcourse.grade import grade

    closes.clear()
    start = time.perf_counter()
    result = grade(assignment, path, course=course, seed=seed)
    wall = time.perf_counter() - start
    plugin = plugin_cls.last
    own = sum(d for _, when, d in plugin.phases if when == "call")
    setup = sum(d for _, when, d in plugin.phases if when == "setup")
    teardown = sum(d for _, when, d in plugin.phases if when == "teardown")
    before = (plugin.first_start - start) if plugin.first_start else wall
    after = (start + wall - plugin.last_finish) if plugin.last_finish else 0.0
    run = getattr(plugin, "run", None)
    try:
        load_s = module_load_s(path)
    except Exception:  # a notebook the loader rejects has no module to load
        load_s = 0.0
    return {"learner": path.stem, "wall_s": wall, "tests_s": own, "overhead_s": wall - own, "before_s": before,
            "setup_s": setup, "teardown_s": teardown, "after_s": after, "close_s": sum(closes),
            "module_load_s": load_s, "overhead_wo_load_s": wall - own - load_s, "tests": len(result.tests),
            "score": f"{result.score:g}/{result.max_score:g}", "worker_starts": getattr(run, "starts", None),
            "peak_rss_mib": getattr(run, "peak_rss", 0) / 2**20}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=8, help="learners per assignment (default 8)")
    p.add_argument("--assignments", nargs="+", default=DEFAULT_ASSIGNMENTS)
    p.add_argument("--no-doc", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = p.parse_args(argv)

    import dlcourse.grade as grade_module
    from dlcourse.course import Course
    from dlcourse.sandbox import detect_mode

    info = machine()
    course = Course.load()
    # Only this process's grading, and only to read timings: the plugin's records are unchanged.
    plugin_cls = grade_module.GradingPlugin = timing_plugin(grade_module.GradingPlugin)
    closes = time_close(grade_module.Run)
    report = {"machine": info, "command": command_line(), "n": args.n, "assignments": {}}
    for assignment in args.assignments:
        folder = BENCH_ROOT / "overhead" / assignment
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for student, content in make_class(course, assignment, released_notebook(course, assignment), args.n).items():
            paths.append(folder / f"{student}.ipynb")
            paths[-1].write_bytes(content)
        print(f"{assignment}: warm-up grading (cold) ...", flush=True)
        cold = measure(course, assignment, paths[0], plugin_cls, closes)
        rows = []
        for path in paths:
            rows.append(measure(course, assignment, path, plugin_cls, closes))
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
            "overhead max (s)", "before 1st test / setup / after (of which Run.close) (median s)", "cold 1st grading: wall / overhead (s)",
            "learner module load median (s)", "**overhead without it, median (s)**", "worker peak RSS median / max (MiB)"]
    rows = []
    for assignment, got in report["assignments"].items():
        warm, cold = got["warm"], got["cold"]
        med = lambda key: statistics.median(r[key] for r in warm)  # noqa: E731
        rss = [r["peak_rss_mib"] for r in warm]
        rows.append([assignment, len(warm), f"{med('wall_s'):.2f}", f"{med('tests_s'):.2f}", f"**{med('overhead_s'):.2f}**",
                     f"{max(r['overhead_s'] for r in warm):.2f}",
                     f"{med('before_s'):.2f} / {med('setup_s'):.2f} / {med('after_s'):.2f} ({med('close_s'):.2f})",
                     f"{cold['wall_s']:.2f} / {cold['overhead_s']:.2f}", f"{med('module_load_s'):.2f}",
                     f"**{med('overhead_wo_load_s'):.2f}**", f"{statistics.median(rss):.0f} / {max(rss):.0f}"])
    lines += [table(rows, head), "", "Per learner:", ""]
    per = []
    for assignment, got in report["assignments"].items():
        for r in got["warm"]:
            per.append([assignment, r["learner"], r["score"], r["tests"], f"{r['wall_s']:.2f}", f"{r['tests_s']:.2f}",
                        f"{r['overhead_s']:.2f}", f"{r['before_s']:.2f}", f"{r['setup_s']:.2f}", f"{r['after_s']:.2f}",
                        f"{r['close_s']:.2f}", f"{r['module_load_s']:.2f}",
                        r["worker_starts"], f"{r['peak_rss_mib']:.0f}"])
    lines.append(table(per, ["assignment", "learner", "score", "tests", "wall", "tests' own", "overhead", "before",
                             "setup", "after", "Run.close", "module load", "worker starts", "peak RSS MiB"]))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
