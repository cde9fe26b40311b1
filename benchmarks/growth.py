"""How `dlcourse autograde`'s time grows with the class: 50, 200, 1000 learners of one assignment.

For each size, a class made by ``common.make_class`` (the same cycle of reference, stub, tampered and
typical-mistake notebooks as ``class_of_n``) is laid out in a fresh nbgrader course root and graded by
one cold `dlcourse autograde <a> --jobs J` (``class_of_n.run_ours``): wall time, grading and the
gradebook's tail, seconds per learner. Sizes listed in ``--cheap`` are a simulation with cheap
submissions: every learner hands in the released notebook untouched (each test fails at once), so
what grows is the per-submission machinery, not the learners' compute. Writes section `growth` of
docs/benchmarks.md and run/bench/growth.json.

    .venv/bin/python -m benchmarks.growth --sizes 50 200 1000 --cheap 1000
"""
from __future__ import annotations

import argparse
import json
import re
import sys

from .class_of_n import run_ours
from .common import BENCH_ROOT, command_line, lay_out, machine, machine_lines, make_class, released_notebook, table, publish

TARGET_200_S = 120


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", nargs="+", type=int, default=[50, 200, 1000])
    p.add_argument("--assignment", default="07_torch_tensors_autograd")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--cheap", nargs="*", type=int, default=[], help="sizes whose learners all submit the released stub")
    p.add_argument("--no-doc", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = p.parse_args(argv)

    from dlcourse.bubblewrap import detect_mode
    from dlcourse.course import Course

    info = machine()
    course = Course.load()
    released = released_notebook(course, args.assignment)
    runs = []
    for n in args.sizes:
        base = BENCH_ROOT / "growth" / args.assignment
        lay_out(course, args.assignment, base, stubs(released, n) if n in args.cheap
                else make_class(course, args.assignment, released, n))
        print(f"{n} learners: dlcourse autograde --jobs {args.jobs} ...", flush=True)
        got = run_ours(course, args.assignment, base, args.jobs, timeout=3 * 3600)
        each = re.search(r"gradebook: (\d+) recorded in ([\d.]+) s", got["output"])
        got["recorded_s_each"] = float(each.group(2)) / int(each.group(1)) if each else None
        print(f"  {got['wall_s']:.1f} s (rc {got['rc']}, {got['graded']} graded)", flush=True)
        runs.append((n, {k: v for k, v in got.items() if k not in ("output", "memory")}
                     | {"output_tail": got["output"][-1500:]}))
    report = {"machine": info, "command": command_line(), "assignment": args.assignment, "jobs": args.jobs,
              "sandbox": detect_mode(), "runs": dict((str(n), got) for n, got in runs)}
    publish("growth", render(args, info, runs, report["sandbox"]), report, BENCH_ROOT / "growth.json", doc=not args.no_doc)
    return 1 if any(got["rc"] != 0 or got["graded"] != n for n, got in runs) else 0


def stubs(released: dict, n: int) -> dict[str, bytes]:
    """N learners who each submit the released notebook (told apart by a comment cell, as in make_class)."""
    from dlcourse.demo import _with_cell

    return {f"s{i:04d}-stub": json.dumps(_with_cell(released, f"# learner s{i:04d}\n"), indent=1).encode()
            for i in range(n)}


def render(args, info: dict, runs: list, sandbox: str) -> str:
    lines = [f"### A class of {', '.join(map(str, args.sizes))} learners of {args.assignment}", "",
             f"Command: `{command_line()}`", "", *machine_lines(info, smoke=max(args.sizes) < 200),
             f"- sandbox: {sandbox}; one cold `dlcourse autograde --jobs {args.jobs}` per size; the gradebook is "
             "recorded while the rest is graded, so the gradebook column is only the tail after the last grading", ""]
    head = ["learners", "class", "wall (s)", "s/learner", "grading (s)", "gradebook tail (s)",
            "recording one learner (s)", "graded", "peak tree RSS (MiB)"]
    body = []
    for n, got in runs:
        each = f"{got['recorded_s_each']:.3f}" if got.get("recorded_s_each") else "?"
        body.append([n, "stubs (cheap)" if n in args.cheap else "mixed", f"{got['wall_s']:.1f}", f"{got['wall_s'] / n:.2f}", f"{got['graded_s']}", f"{got['gradebook_s']}",
                     each, f"{got['graded']}/{n}", f"{got['peak_tree_rss_mib']:.0f}"])
    lines.append(table(body, head))
    for n, got in runs:
        if n == 200:
            ok = "within" if got["wall_s"] <= TARGET_200_S else "over"
            lines.append(f"\n- 200 learners in **{got['wall_s']:.0f} s**: {ok} the target of {TARGET_200_S} s")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
