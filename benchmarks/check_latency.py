"""(c) the learner's visible check latency in a warm kernel.

For each assignment: copy its release folder (notebook + checks.py) under run/bench/check_latency/,
fill every answer cell in with the reference solution, start a real Jupyter kernel (the
course's `python3` kernelspec, through jupyter_client, as JupyterLab does) in that folder, and
run the notebook's cells in order. Each test cell (`check("name")`) is timed from the execute
request to the kernel going idle: the delay a learner sees. After the whole notebook ran, each
check cell runs --repeat more times (the learner re-checking). Writes section `check-latency`
of docs/benchmarks.md and run/bench/check_latency.json.

    .venv/bin/python -m benchmarks.check_latency
    .venv/bin/python -m benchmarks.check_latency --assignments all
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

from .common import (BENCH_ROOT, DEFAULT_ASSIGNMENTS, command_line, machine, machine_lines, released_notebook, table,
                     publish)

TARGET_S = 1.0


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def run_notebook(folder: Path, nb: dict, repeat: int, timeout: float) -> dict:
    """Run ``nb``'s code cells in a fresh kernel started in ``folder``; time its check cells."""
    from jupyter_client.manager import KernelManager

    from dlcourse.build import nbgrader_env

    km = KernelManager(kernel_name="python3")
    start = time.perf_counter()
    km.start_kernel(cwd=str(folder), env=nbgrader_env())
    kc = km.client()
    checks: dict[str, dict] = {}
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=timeout)
        ready_s = time.perf_counter() - start
        check_cells = []
        before_first_check = None
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
            took, text = _execute(kc, _source(cell), timeout)
            if grade_id.startswith("check_"):
                if before_first_check is None:
                    before_first_check = time.perf_counter() - start - took
                check_cells.append((grade_id, _source(cell)))
                checks[grade_id] = {"first_s": took, "repeats_s": [], "output": text.strip()[-300:],
                                    "passed": "✔" in text and "✘" not in text}
        notebook_s = time.perf_counter() - start
        for _ in range(repeat):
            for grade_id, code in check_cells:
                checks[grade_id]["repeats_s"].append(_execute(kc, code, timeout)[0])
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return {"kernel_ready_s": ready_s, "until_first_check_s": before_first_check, "notebook_s": notebook_s,
            "checks": checks}


def _execute(kc, code: str, timeout: float) -> tuple[float, str]:
    out: list[str] = []

    def hook(msg):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            out.append(content["text"])
        elif kind == "error":
            out.append(f"{content['ename']}: {content['evalue']}\n")

    start = time.perf_counter()
    kc.execute_interactive(code, timeout=timeout, output_hook=hook, store_history=True)
    return time.perf_counter() - start, "".join(out)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--assignments", nargs="+", default=DEFAULT_ASSIGNMENTS, help="names, or `all`")
    p.add_argument("--repeat", type=int, default=3, help="extra runs of each check cell (default 3)")
    p.add_argument("--timeout", type=float, default=600, help="seconds allowed to one cell")
    p.add_argument("--smoke", action="store_true", help="mark the numbers as a smoke run in the docs")
    p.add_argument("--no-doc", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = p.parse_args(argv)

    from dlcourse.course import Course
    from dlcourse.demo import _solved

    info = machine()
    course = Course.load()
    names = course.assignments() if args.assignments == ["all"] else args.assignments
    report = {"machine": info, "command": command_line(), "assignments": {}}
    for assignment in names:
        course.info(assignment)
        folder = BENCH_ROOT / "check_latency" / assignment
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(course.root / "release" / assignment, folder)
        nb = _solved(course, assignment, released_notebook(course, assignment))
        (folder / f"{assignment}.ipynb").write_text(json.dumps(nb, indent=1), encoding="utf-8")
        print(f"{assignment}: running the solved notebook in a kernel ...", flush=True)
        got = run_notebook(folder, nb, args.repeat, args.timeout)
        for grade_id, c in got["checks"].items():
            print(f"  {grade_id:32s} first {c['first_s']:.3f} s, repeats {', '.join(f'{t:.3f}' for t in c['repeats_s'])}"
                  f"{'' if c['passed'] else '  NOT PASSED: ' + c['output'][-120:]}", flush=True)
        report["assignments"][assignment] = got
    publish("check-latency", render(args, info, report), report, BENCH_ROOT / "check_latency.json", doc=not args.no_doc)
    failed = [a for a, got in report["assignments"].items() if not got["checks"]
              or not all(c["passed"] for c in got["checks"].values())]
    if failed:
        print(f"visible checks that did not pass on the reference (or no check cells): {', '.join(failed)}")
    return 1 if failed else 0


def render(args, info: dict, report: dict) -> str:
    lines = ["### (c) Visible check latency in a warm kernel", "", f"Command: `{command_line()}`", "",
             *machine_lines(info, smoke=args.smoke),
             f"- a real kernel (jupyter_client, kernelspec `python3`), the solved release notebook run top to bottom; "
             f"each `check(\"name\")` cell timed from execute request to idle; then {args.repeat} more runs of each; "
             f"target: ≤ {TARGET_S:g} s", ""]
    rows, every = [], []
    for assignment, got in report["assignments"].items():
        first = [c["first_s"] for c in got["checks"].values()]
        again = [t for c in got["checks"].values() for t in c["repeats_s"]]
        every += first + again
        slowest = max(got["checks"].items(), key=lambda kv: kv[1]["first_s"])[0] if first else "-"
        passed = sum(c["passed"] for c in got["checks"].values())
        rows.append([assignment, f"{passed}/{len(first)}", f"{statistics.median(first):.3f}" if first else "-",
                     f"{max(first):.3f}" if first else "-", f"`{slowest}`",
                     f"{statistics.median(again):.3f}" if again else "-", f"{max(again):.3f}" if again else "-",
                     f"{got['kernel_ready_s']:.1f} / {got['until_first_check_s'] or 0:.1f}"])
    lines.append(table(rows, ["assignment", "checks passed", "first run median (s)", "first run max (s)", "slowest",
                              "re-run median (s)", "re-run max (s)", "kernel ready / first check reached (s)"]))
    if every:
        lines += ["", f"Over all checks: median {statistics.median(every):.3f} s, max {max(every):.3f} s; "
                      f"{sum(t > TARGET_S for t in every)} of {len(every)} runs over {TARGET_S:g} s."]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
