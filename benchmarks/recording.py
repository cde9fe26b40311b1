"""Recording a graded class in nbgrader's gradebook: nbgrader's own autograde per learner vs ours.

A class made by ``common.make_class`` is laid out in a fresh nbgrader course root and graded once
(`dlcourse autograde`, which also records it). Then, in this one process and with every result already
in the result store (so nothing is graded again), the whole class is recorded again, ``--repeat`` times
each way, alternating:

  stock: ``NbGraderAPI.autograde(a, learner, force=True)`` per learner, as the formgrader's button and
         the previous `dlcourse autograde` did (nbgrader's ``Autograde`` converter: two passes, its commits)
  ours:  ``gradebook.Recorder.record`` in batches of ``autograde.BATCH`` under ``one_engine()``, as
         `dlcourse autograde` records now (one pass per notebook, one transaction per batch)

Seconds per learner, median over the repeats. Writes section `recording` of docs/benchmarks.md and
run/bench/recording.json.

    .venv/bin/python -m benchmarks.recording --n 30
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings

from .class_of_n import run_ours
from .common import BENCH_ROOT, command_line, lay_out, machine, machine_lines, make_class, publish, released_notebook, table

TARGET_S = 0.05


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=30)
    p.add_argument("--assignment", default="07_torch_tensors_autograd")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--no-doc", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = p.parse_args(argv)

    from dlcourse.autograde import BATCH, nbgrader_api, submissions
    from dlcourse.course import Course
    from dlcourse.demo import Nbgrader
    from dlcourse.gradebook import Recorder, one_engine

    info = machine()
    course = Course.load()
    base = BENCH_ROOT / "recording" / args.assignment
    lay_out(course, args.assignment, base, make_class(course, args.assignment, released_notebook(course, args.assignment), args.n))
    graded = run_ours(course, args.assignment, base, 2, timeout=3600)
    if graded["rc"] != 0 or graded["graded"] != args.n:
        print(graded["output"][-3000:], file=sys.stderr)
        return 1
    api = nbgrader_api(course, Nbgrader(course, base).overrides)
    learners = sorted(submissions(api.coursedir, args.assignment))
    recorder = Recorder(api, args.assignment)

    def stock():
        return all(api.autograde(args.assignment, s, force=True, create=True)["success"] for s in learners)

    def ours():
        with one_engine():
            return all(all(recorder.record(learners[i:i + BATCH]).values()) for i in range(0, len(learners), BATCH))

    times = {"stock": [], "ours": []}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(args.repeat):
            for name, run in (("stock", stock), ("ours", ours)):
                start = time.perf_counter()
                ok = run()
                times[name].append((time.perf_counter() - start) / len(learners))
                print(f"{name}: {times[name][-1]:.3f} s per learner{'' if ok else ' (a learner failed)'}", flush=True)
                if not ok:
                    return 1
    each = {name: statistics.median(t) for name, t in times.items()}
    report = {"machine": info, "command": command_line(), "assignment": args.assignment, "learners": len(learners),
              "batch": BATCH, "seconds_per_learner": times, "median": each}
    publish("recording", render(args, info, len(learners), BATCH, times, each), report, BENCH_ROOT / "recording.json",
            doc=not args.no_doc)
    return 0


def render(args, info: dict, n: int, batch: int, times: dict, each: dict) -> str:
    lines = [f"### Recording a graded class of {n} ({args.assignment}) in the gradebook", "",
             f"Command: `{command_line()}`", "", *machine_lines(info, smoke=n < 30),
             "- one process; every result already stored, so only recording is timed; the class recorded "
             f"{args.repeat} times each way, alternating", ""]
    rows = [["stock: `NbGraderAPI.autograde` per learner", *(f"{t:.3f}" for t in times["stock"]), f"**{each['stock']:.3f}**"],
            [f"ours: `Recorder.record`, {batch} learners per transaction", *(f"{t:.3f}" for t in times["ours"]),
             f"**{each['ours']:.3f}**"]]
    lines.append(table(rows, ["recording", *(f"run {i + 1} (s/learner)" for i in range(args.repeat)), "median (s/learner)"]))
    met = "met" if each["ours"] <= TARGET_S else "not met"
    lines.append(f"\n- ours is {each['stock'] / each['ours']:.1f}x stock; target ≤ {TARGET_S} s per learner: {met}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
