"""(f) Run All: each notebook executed top to bottom in a real Jupyter kernel, as a learner would.

For each assignment: the release notebook (`dlcourse runall A --release`: every check cell must say
"not implemented yet") and the solved source notebook (`dlcourse runall A --solved`: every check
✔), one after the other, one kernel at a time, each in a temporary copy of its folder. Wall time
from the kernel's start to the last cell. Budget (issue 17): release ≤ 1 min, solved ≤ 3 min on
2 cores. Writes section `run-all` of docs/benchmarks.md and run/bench/run_all.json.

    .venv/bin/python -m benchmarks.run_all                        # the notebooks that meet the standard
    .venv/bin/python -m benchmarks.run_all --assignments all
    .venv/bin/python -m benchmarks.run_all --assignments 07_torch_tensors_autograd --no-doc
"""
from __future__ import annotations

import argparse
import sys

from .common import BENCH_ROOT, ROOT, command_line, machine, machine_lines, publish, table


def meeting_the_standard(names: list[str]) -> list[str]:
    """The assignments whose source notebook passes every point of tests/test_notebook_standard.py."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_notebook_standard import Assignment, check_all  # noqa: E402 (the standard's one checker)

    ok = []
    for name in names:
        a = Assignment(name, ROOT / "source" / name, ROOT / "release" / name, names)
        if not any(check_all(a).values()):
            ok.append(name)
    return ok


def main(argv=None) -> int:
    from dlcourse.course import Course
    from dlcourse.runall import BUDGET_S, run_one

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--assignments", nargs="*", default=["standard"],
                   help="names, 'all', or 'standard' (default: those meeting the notebook standard)")
    p.add_argument("--no-doc", action="store_true", help="print, do not write docs/benchmarks.md")
    args = p.parse_args(argv)
    course = Course.load(ROOT)
    everything = course.assignments()
    if args.assignments in (["all"], []):
        names = everything
    elif args.assignments == ["standard"]:
        names = meeting_the_standard(everything)
    else:
        names = args.assignments
    info = machine()
    rows, report = [], {"machine": info, "budget_s": BUDGET_S, "runs": []}
    for name in names:
        row = [f"`{name}`"]
        for mode in ("release", "solved"):
            outcome = run_one(name, mode, str(course.root))
            print(outcome.line(), flush=True)
            report["runs"].append({"assignment": name, "mode": mode, "seconds": round(outcome.seconds, 2),
                                   "ok": outcome.ok, "problems": outcome.problems})
            within = "✔" if outcome.seconds <= BUDGET_S[mode] else f"✘ over {BUDGET_S[mode]:.0f} s"
            row += [f"{outcome.seconds:.1f}", ("✔" if outcome.ok else "✘ " + outcome.problems[0][:60]), within]
        rows.append(row)
    header = ["assignment", "release Run All (s)", "release: no error, checks 'not implemented yet'", "≤ 1 min",
              "solved Run All (s)", "solved: no error, checks ✔", "≤ 3 min"]
    which = ("the notebooks that meet the notebook standard (tests/test_notebook_standard.py)"
             if args.assignments == ["standard"] else ", ".join(names))
    body = "\n".join([
        "## (f) Run All of each notebook in a real kernel",
        "",
        f"Command: `{command_line()}`",
        "",
        *machine_lines(info),
        f"- assignments: {which}; one kernel at a time (nbclient + ipykernel of `.venv`), each in a "
        "temporary copy of its folder; time from the kernel's start to the end of the last cell",
        "",
        table(rows, header) if rows else "_no assignment to run_",
        "",
        "The release runs are in CI (`tests/test_run_all.py`, one test per assignment). The solved runs "
        "are `dlcourse runall --solved` (not in CI: they train the reference models); this table is their last result.",
    ])
    publish("run-all", body, report, BENCH_ROOT / "run_all.json", doc=not args.no_doc)
    return 0 if all(r["ok"] for r in report["runs"]) else 1


if __name__ == "__main__":
    sys.exit(main())
