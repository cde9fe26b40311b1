"""The ``dlcourse`` command: build, figures, runall, check, grade, verify (and the demo class)."""
from __future__ import annotations

import argparse
import os
import sys

from .errors import CourseError


def _grade(args) -> int:
    from pathlib import Path

    from .bubblewrap import detect_mode

    if len(args.submission) == 1 and not Path(args.submission[0]).is_dir():
        from .grade import grade

        result = grade(args.assignment, args.submission[0], seed=args.seed)
        print(result.to_json() if args.json else result.table() + f"\nsandbox: {detect_mode()}")
        return 0
    from .lms import grade_download

    results, csv_path, jsonl_path = grade_download(args.assignment, [Path(p) for p in args.submission], jobs=args.jobs,
                                                   out=args.out)
    print(f"{len(results)} learners graded (sandbox: {detect_mode()}): {csv_path}, {jsonl_path}")
    print(f"class report: dlcourse report {args.assignment} --results {csv_path.parent}")
    return 0


def _report(args) -> int:
    from .class_report import write_report

    print(f"class report: {write_report(args.assignment, results=args.results, out=args.out)}")
    return 0


def _build(args) -> int:
    from .build import build

    if args.figures:
        from .figures import figures

        for line in figures(args.assignments):
            print(line)
    for line in build(args.assignments):
        print(line)
    return 0


def _check(args) -> int:
    from .visible import check_notebook

    ok = check_notebook(args.assignment, args.notebook)
    return 0 if ok else 1


def _figures(args) -> int:
    from .figures import figures

    for line in figures(args.assignments, timeout=args.timeout):
        print(line, flush=True)
    return 0


def _runall(args) -> int:
    from .runall import runall

    mode = "solved" if args.solved else "release"
    ok = True
    for outcome in runall(args.assignments, mode=mode, jobs=args.jobs):
        print(outcome.line(), flush=True)
        ok = ok and outcome.ok
    return 0 if ok else 1


def _verify(args) -> int:
    from .verify import verify

    return 0 if verify(args.assignments, jobs=args.jobs) else 1


def _mutate(args) -> int:
    from .mutate import mutate, write_fidelity

    summary = mutate(args.assignments, jobs=args.jobs, limit=args.limit)
    if args.record:
        print(f"recorded in {write_fidelity(summary, ' '.join(['dlcourse', *sys.argv[1:]]))}")
    return 0


def _autograde(args) -> int:
    from .autograde import autograde

    return autograde(args.assignment, jobs=args.jobs, shard=args.shard)


def _serve(args) -> int:
    from .loop import serve

    if args.log:   # everything this process and its grading processes print, appended to one file
        fd = os.open(args.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        sys.stdout.reconfigure(line_buffering=True)
    return serve(args.assignments, jobs=args.jobs, once=args.once, poll=args.poll, warm=not args.no_warm)


def _export(args) -> int:
    from .gradescope import build_zip

    # one zip serves both: Gradescope runs its run_autograder, otter run reads its otter_config.json
    path = build_zip(args.assignment, args.output)
    print(f"{args.format} autograder for {args.assignment}: {path}")
    return 0


def _demo(args) -> int:
    from .demo import demo

    return demo(args.assignment, jobs=args.jobs)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dlcourse", description=__doc__)
    sub = p.add_subparsers(dest="verb", required=True)
    b = sub.add_parser("build", help="generate release/ and solutions/ from source/ (nbgrader generate_assignment)")
    b.add_argument("assignments", nargs="*", help="default: every assignment")
    b.add_argument("--figures", action="store_true", help="first render figures and expected outputs (dlcourse figures)")
    b.set_defaults(fn=_build)
    f = sub.add_parser("figures", help="run each solved source notebook; write its figure:<name> images to "
                                       "source/<a>/figures/ and its expected outputs into the notebook")
    f.add_argument("assignments", nargs="*", help="default: every assignment")
    f.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    f.set_defaults(fn=_figures)
    r = sub.add_parser("runall", help="Run All of each release notebook (or solved, --solved) in a real kernel: "
                                      "no error, every check cell says 'not implemented yet' (or ✔); wall time")
    r.add_argument("assignments", nargs="*", help="default: every assignment")
    which = r.add_mutually_exclusive_group()
    which.add_argument("--release", action="store_true", help="release/<a>/<a>.ipynb, the stubs (default)")
    which.add_argument("--solved", action="store_true", help="the source notebook, with its solutions")
    r.add_argument("--jobs", type=int, default=1, help="notebooks run side by side (default 1)")
    r.set_defaults(fn=_runall)
    c = sub.add_parser("check", help="run the visible checks on a notebook, as the learner would")
    c.add_argument("assignment")
    c.add_argument("notebook", nargs="?", help="default: <assignment>.ipynb in the current folder")
    c.set_defaults(fn=_check)
    g = sub.add_parser("grade", help="grade one submission (.ipynb or .py) with the hidden graders, sandboxed; "
                                     "several files or folders (an LMS download): every learner, into a CSV")
    g.add_argument("assignment")
    g.add_argument("submission", nargs="+")
    g.add_argument("--json", action="store_true", help="one submission: print the result as JSON")
    g.add_argument("--seed", type=int, help="one submission: reproduce a run with the seed printed with its result")
    g.add_argument("--jobs", type=int, default=2, help="a download: grading processes side by side")
    g.add_argument("-o", "--out", help="a download: where grades.csv and results.jsonl go (default: <a>-grades/ beside it)")
    g.set_defaults(fn=_grade)
    rp = sub.add_parser("report", help="a class report (one HTML page): totals, questions, common mistakes, problems")
    rp.add_argument("assignment")
    rp.add_argument("--results", help="a folder `dlcourse grade` wrote (default: the nbgrader course's results store)")
    rp.add_argument("-o", "--out", help="the HTML file (default: report.html beside the results)")
    rp.set_defaults(fn=_report)
    v = sub.add_parser("verify", help="references get full marks, stubs 0, every mutant loses points")
    v.add_argument("assignments", nargs="*", help="default: every assignment")
    v.add_argument("--jobs", type=int, default=1, help="gradings run side by side")
    v.set_defaults(fn=_verify)
    m = sub.add_parser("mutate", help="automatic mutants of every graded function, graded: killed, survived, equivalent")
    m.add_argument("assignments", nargs="*")
    m.add_argument("--jobs", type=int, default=2)
    m.add_argument("--limit", type=int, default=None, help="grade at most this many mutants per assignment (a fixed sample)")
    m.add_argument("--record", action="store_true", help="store the result in tests/mutation/<a>.json and docs/fidelity.md")
    m.set_defaults(fn=_mutate)
    a = sub.add_parser("autograde", help="grade every collected submission into nbgrader's gradebook (resumable)")
    a.add_argument("assignment")
    a.add_argument("--jobs", type=int, default=2, help="gradings run side by side (default 2)")
    a.add_argument("--shard", default="1/1", metavar="K/N", help="grade only part K of N of the class (several machines)")
    a.set_defaults(fn=_autograde)
    sv = sub.add_parser("serve", help="feedback on arrival: grade each new submission in nbgrader's exchange and "
                                      "release its feedback (c.DLCourse early_feedback settings)")
    sv.add_argument("assignments", nargs="*", help="default: every assignment")
    sv.add_argument("--jobs", type=int, default=2, help="gradings run side by side (default 2)")
    sv.add_argument("--once", action="store_true", help="grade what is waiting now, then exit")
    sv.add_argument("--poll", type=float, default=2.0, help="seconds between looks at the exchange (default 2)")
    sv.add_argument("--log", help="append everything it prints to this file")
    sv.add_argument("--no-warm", action="store_true",
                    help="do not preload the graders of the released assignments due soonest (saves memory while idle)")
    sv.set_defaults(fn=_serve)
    e = sub.add_parser("export", help="an autograder zip of the hidden graders for Gradescope or otter run")
    e.add_argument("format", choices=["gradescope", "otter"], help="both get the same zip")
    e.add_argument("assignment")
    e.add_argument("-o", "--output", help="zip file or folder (default: <assignment>-autograder.zip here)")
    e.set_defaults(fn=_export)
    d = sub.add_parser("demo", help="one assignment's whole nbgrader cycle on a demo class, under run/demo/")
    d.add_argument("assignment", nargs="?", default="07_torch_tensors_autograd")
    d.add_argument("--jobs", type=int, default=2, help="gradings run side by side (default 2)")
    d.set_defaults(fn=_demo)
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    # nbgrader's Gradebook runs `alembic` from PATH: this environment's, also when called as .venv/bin/dlcourse.
    here = os.path.dirname(sys.executable)
    if here not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = here + os.pathsep + os.environ.get("PATH", "")
    try:
        return args.fn(args)
    except CourseError as exc:
        print(f"dlcourse: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dlcourse: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
