"""The formgrader's autograde button: what one click costs in the instructor's server.

The button's handler (nbgrader's formgrader, ``AutogradeHandler``) calls
``NbGraderAPI.autograde(assignment, student)`` inside the Jupyter server's own process; our
``HiddenGraders`` step grades there, in that process's warm sandboxes. This script makes the same
calls, one learner after another, in one fresh process standing in for the instructor's server:
first what ``dlcourse.server_warm`` does at the server's start (grade the stub once: graders
imported, a sandbox warm), then one click per learner, each costing the tests' own time, the warm
start and nbgrader's recording. Writes section `formgrader` of docs/benchmarks.md and
run/bench/formgrader.json.

    .venv/bin/python -m benchmarks.formgrader --n 6
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from .common import (BENCH_ROOT, DEFAULT_ASSIGNMENTS, command_line, lay_out, machine, machine_lines, make_class,
                     released_notebook, table, publish)

# The server: one process, the formgrader's API call per click, timed from the click to the reply.
SERVER = """
import json, sys, time, warnings
from pathlib import Path
warnings.simplefilter("ignore")
start = time.perf_counter()
from dlcourse.autograde import nbgrader_api
from dlcourse.course import Course
from dlcourse.demo import Nbgrader
course = Course.load(Path(sys.argv[1]))
api = nbgrader_api(course, Nbgrader(course, Path(sys.argv[2])).overrides)
from dlcourse.server_warm import warm_up
begun = time.perf_counter()
warm_up(course, sys.argv[3])   # what the server extension does in the background when the server starts
print(json.dumps({"server_ready_s": begun - start, "warm_up_s": time.perf_counter() - begun}), flush=True)
for student in sys.argv[4:]:
    begun = time.perf_counter()
    ok = api.autograde(sys.argv[3], student)["success"]
    print(json.dumps({"student": student, "ok": ok, "click_s": time.perf_counter() - begun}), flush=True)
"""


def clicks(course, assignment: str, base: Path, students: list[str]) -> dict:
    """Run the server process; each click's wall time and the tests' own time of its grading."""
    from dlcourse.build import nbgrader_env
    from dlcourse.store import result_store

    env = nbgrader_env()
    env["DLCOURSE_ROOT"] = str(course.root)
    done = subprocess.run([sys.executable, "-c", SERVER, str(course.root), str(base), assignment, *students],
                          cwd=course.root, env=env, capture_output=True, text=True, timeout=1800)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    results = result_store(base, assignment).results()
    got = [dict(line, tests_s=sum(t["seconds"] for t in results[line["student"]].tests),
                score=f"{results[line['student']].score:g}/{results[line['student']].max_score:g}")
           for line in lines[1:] if line["student"] in results]
    return {"rc": done.returncode, "warm_up_s": lines[0]["warm_up_s"] if lines else None, "clicks": got,
            "output_tail": (done.stdout + done.stderr)[-1500:]}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=6, help="learners clicked one after another (default 6)")
    p.add_argument("--assignments", nargs="+", default=DEFAULT_ASSIGNMENTS)
    p.add_argument("--no-doc", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = p.parse_args(argv)

    from dlcourse.course import Course

    info = machine()
    course = Course.load()
    report = {"machine": info, "command": command_line(), "n": args.n, "assignments": {}}
    for assignment in args.assignments:
        learners = make_class(course, assignment, released_notebook(course, assignment), args.n)
        base = BENCH_ROOT / "formgrader" / assignment
        lay_out(course, assignment, base, learners)
        print(f"{assignment}: {args.n} clicks in one fresh server process ...", flush=True)
        report["assignments"][assignment] = got = clicks(course, assignment, base, list(learners))
        for c in got["clicks"]:
            print(f"  {c['student']:40s} click {c['click_s']:6.2f} s  tests {c['tests_s']:5.2f} s", flush=True)
    publish("formgrader", render(args, info, report), report, BENCH_ROOT / "formgrader.json", doc=not args.no_doc)
    bad = [a for a, got in report["assignments"].items() if got["rc"] != 0 or len(got["clicks"]) != args.n
           or not all(c["ok"] for c in got["clicks"])]
    for a in bad:
        print(f"\n{a}: server rc {report['assignments'][a]['rc']}; last output:\n{report['assignments'][a]['output_tail']}")
    return 1 if bad else 0


def render(args, info: dict, report: dict) -> str:
    lines = ["### The formgrader's autograde button, one learner per click", "",
             f"Command: `{command_line()}`", "", *machine_lines(info, smoke=args.n < 4),
             "- one fresh process stands in for the instructor's Jupyter server: first `dlcourse.server_warm`'s warm-up "
             "(in the real server a background thread at its start), then `NbGraderAPI.autograde(a, learner)` per "
             "click, as the formgrader's handler calls it, grading and recording included", ""]
    head = ["assignment", "server's warm-up (s, at its start)", "clicks", "1st click (s)", "1st click: tests' own (s)",
            "clicks median (s)", "tests' own median (s)", "**the rest, median (s)**", "clicks max (s)"]
    rows = []
    for assignment, got in report["assignments"].items():
        every = got["clicks"]
        if not every:
            continue
        med = lambda key: statistics.median(c[key] for c in every)  # noqa: E731
        rows.append([assignment, f"{got['warm_up_s']:.1f}", len(every), f"{every[0]['click_s']:.2f}",
                     f"{every[0]['tests_s']:.2f}", f"{med('click_s'):.2f}", f"{med('tests_s'):.2f}",
                     f"**{statistics.median(c['click_s'] - c['tests_s'] for c in every):.2f}**",
                     f"{max(c['click_s'] for c in every):.2f}"])
    lines.append(table(rows, head))
    lines += ["", "The rest = the warm start (worker forked, learner's module loaded), nbgrader's recording "
                  "(two notebook passes, the gradebook rows) and the stored result."]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
