"""(a) + (d): a class of N learners graded by `dlcourse autograde` vs stock `nbgrader autograde`.

For each assignment: make N learners (benchmarks.common.make_class: the reference, the stub,
tampered test cells and every typical mistake, cycled, deterministic), lay out two identical
nbgrader course roots under run/bench/<a>/ with the submissions as `nbgrader collect` leaves
them, then time, each as one command from a cold process:

  ours:  `dlcourse autograde <a> --jobs J` (the same function, on the bench root: the hidden
         graders in the sandbox, then nbgrader's autograde records the results)
  stock: `nbgrader autograde <a> --force` with nbgrader's default preprocessors (Execute runs
         each notebook, test cells included, in a fresh kernel; no sandbox)

and sample the memory of every process each started (/proc). Writes the numbers to
docs/benchmarks.md (section `class`, or `class-ours-only` with --ours-only) and
run/bench/class_of_n.json.

    .venv/bin/python -m benchmarks.class_of_n --n 30
    .venv/bin/python -m benchmarks.class_of_n --n 200 --ours-only --assignments 07_torch_tensors_autograd
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from .common import (BENCH_ROOT, DEFAULT_ASSIGNMENTS, ProcSampler, command_line, lay_out, machine, machine_lines,
                     make_class, released_notebook, table, publish)

# nbgrader 0.9.6's own Autograde.autograde_preprocessors (nbgrader/converters/autograde.py),
# given on the command line, which wins over course_config.py's HiddenGraders list.
STOCK_PREPROCESSORS = ["nbgrader.preprocessors.Execute", "nbgrader.preprocessors.IgnorePattern",
                       "nbconvert.preprocessors.ClearMetadataPreprocessor", "nbgrader.preprocessors.LimitOutput",
                       "nbgrader.preprocessors.SaveAutoGrades", "nbgrader.preprocessors.AssignLatePenalties",
                       "nbgrader.preprocessors.CheckCellMetadata"]

OURS = """
import sys
from pathlib import Path
from dlcourse.autograde import autograde
from dlcourse.course import Course
from dlcourse.demo import Nbgrader
course = Course.load(Path(sys.argv[1]))
sys.exit(autograde(sys.argv[3], jobs=int(sys.argv[4]), course=course, overrides=Nbgrader(course, Path(sys.argv[2])).overrides))
"""


def timed(cmd: list[str], cwd: Path, env: dict, timeout: float) -> dict:
    """Run ``cmd``; its wall time, exit status, output, and the memory of its process tree."""
    start = time.perf_counter()
    with open(os.devnull, "rb") as devnull:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=devnull, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
        with ProcSampler(proc.pid) as sampler:
            try:
                out, _ = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                out, _ = proc.communicate()
                out += f"\n[benchmark: killed after {timeout:.0f} s]"
    return {"wall_s": time.perf_counter() - start, "rc": proc.returncode, "output": out,
            "memory": sampler.by_label(), "peak_tree_rss_mib": sampler.peak_tree_rss / 2**20,
            "peak_tree_pss_mib": sampler.peak_tree_pss / 2**20}


def run_ours(course, assignment: str, base: Path, jobs: int, timeout: float) -> dict:
    from dlcourse.build import nbgrader_env
    from dlcourse.store import result_store

    env = nbgrader_env()
    env["DLCOURSE_ROOT"] = str(course.root)
    got = timed([sys.executable, "-c", OURS, str(course.root), str(base), assignment, str(jobs)], course.root, env, timeout)
    split = re.search(r"graded in ([\d.]+) s, gradebook updated in ([\d.]+) s", got["output"])
    got["graded_s"], got["gradebook_s"] = (float(split.group(1)), float(split.group(2))) if split else (None, None)
    results = result_store(base, assignment).results()
    got["graded"] = len(results)
    got["full_marks"] = sum(r.score == r.max_score for r in results.values())
    got["zero"] = sum(r.score == 0 for r in results.values())
    return got


def run_stock(course, assignment: str, base: Path, nbgrader, timeout: float) -> dict:
    from dlcourse.build import nbgrader_env

    env = nbgrader_env()
    env["DLCOURSE_ROOT"] = str(course.root)
    cmd = [os.path.join(os.path.dirname(sys.executable), "nbgrader"), "autograde", assignment, "--force",
           "--NbGrader.config_file_name=course_config", *nbgrader.flags, "--NbGrader.logfile=",
           *[f"--Autograde.autograde_preprocessors={p}" for p in STOCK_PREPROCESSORS]]
    got = timed(cmd, course.root, env, timeout)
    got["command"] = "nbgrader autograde " + assignment + " --force " + " ".join(
        f"--Autograde.autograde_preprocessors={p}" for p in STOCK_PREPROCESSORS)
    done = sorted(base.glob(f"autograded/*/{assignment}/{assignment}.ipynb"))
    got["graded"] = len(done)
    # Proof that Execute ran (not our HiddenGraders): the code cells carry execution counts.
    got["executed"] = sum(_executed(p) for p in done)
    return got


def _executed(path: Path) -> bool:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return any(c.get("cell_type") == "code" and c.get("execution_count") for c in nb.get("cells", []))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=30, help="learners per assignment (default 30)")
    p.add_argument("--assignments", nargs="+", default=DEFAULT_ASSIGNMENTS)
    p.add_argument("--jobs", type=int, default=2, help="dlcourse autograde --jobs (default 2)")
    p.add_argument("--ours-only", action="store_true", help="skip stock nbgrader (e.g. the 200-learner target)")
    p.add_argument("--timeout", type=float, default=3600, help="seconds allowed to each autograde command")
    p.add_argument("--base", type=Path, default=BENCH_ROOT, help="where the bench course roots go (default run/bench)")
    p.add_argument("--no-doc", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = p.parse_args(argv)

    from dlcourse.course import Course
    from dlcourse.bubblewrap import detect_mode

    info = machine()
    course = Course.load()
    rows, report = [], {"machine": info, "command": command_line(), "n": args.n, "jobs": args.jobs, "assignments": {}}
    for assignment in args.assignments:
        course.info(assignment)
        learners = make_class(course, assignment, released_notebook(course, assignment), args.n)
        ours_base, stock_base = args.base / assignment / "dlcourse", args.base / assignment / "nbgrader"
        print(f"{assignment}: laying out {args.n} learners under {args.base / assignment}", flush=True)
        lay_out(course, assignment, ours_base, learners)
        stock_nbgrader = None if args.ours_only else lay_out(course, assignment, stock_base, learners)
        print(f"{assignment}: dlcourse autograde --jobs {args.jobs} ...", flush=True)
        ours = run_ours(course, assignment, ours_base, args.jobs, args.timeout)
        print(f"  {ours['wall_s']:.1f} s (rc {ours['rc']}, {ours['graded']} graded)", flush=True)
        stock = None
        if stock_nbgrader is not None:
            print(f"{assignment}: stock nbgrader autograde ...", flush=True)
            stock = run_stock(course, assignment, stock_base, stock_nbgrader, args.timeout)
            print(f"  {stock['wall_s']:.1f} s (rc {stock['rc']}, {stock['graded']} autograded, "
                  f"{stock['executed']} executed)", flush=True)
        report["assignments"][assignment] = {"ours": _lean(ours), "stock": _lean(stock) if stock else None}
        rows.append((assignment, ours, stock))
    report["sandbox"] = detect_mode()
    out = args.base / ("class_ours_only.json" if args.ours_only else "class_of_n.json")
    publish("class-ours-only" if args.ours_only else "class", render(args, info, rows, report["sandbox"]),
            report, out, doc=not args.no_doc)
    bad = [a for a, o, s in rows if o["rc"] != 0 or o["graded"] != args.n or (s and s["graded"] != args.n)]
    for a, o, s in rows:
        if a in bad:
            print(f"\n{a}: ours rc {o['rc']}, graded {o['graded']}/{args.n}; last output:\n{o['output'][-1500:]}")
            if s:
                print(f"stock rc {s['rc']}, autograded {s['graded']}/{args.n}; last output:\n{s['output'][-1500:]}")
    return 1 if bad else 0


def _lean(got: dict) -> dict:
    return {k: v for k, v in got.items() if k != "output"} | {"output_tail": got["output"][-2000:]}


def render(args, info: dict, rows: list, sandbox: str) -> str:
    smoke = args.n < (200 if args.ours_only else 30)
    title = (f"### Class of {args.n}, `dlcourse autograde` only" if args.ours_only
             else f"### (a) Class of {args.n}: `dlcourse autograde` vs stock `nbgrader autograde`")
    lines = [title, "", f"Command: `{command_line()}`", "", *machine_lines(info, smoke),
             f"- sandbox: {sandbox}; `dlcourse autograde --jobs {args.jobs}`"
             + ("" if args.ours_only else "; stock nbgrader has no parallel mode: one notebook at a time"
                "\n- stock = nbgrader's default preprocessors (`Execute` runs each notebook in a fresh kernel); only times "
                "are compared: its scores are not ours (the test cells call `check(...)`, which prints ✘ but never raises)"), ""]
    head = ["assignment", "learners", "ours wall (s)", "ours s/learner", "of which grading / gradebook (s)"]
    if not args.ours_only:
        head += ["stock wall (s)", "stock s/learner", "stock / ours"]
    body, tot_ours, tot_stock = [], 0.0, 0.0
    for assignment, ours, stock in rows:
        split = f"{ours['graded_s']:.1f} / {ours['gradebook_s']:.1f}" if ours["graded_s"] is not None else "?"
        row = [assignment, args.n, f"{ours['wall_s']:.1f}", f"{ours['wall_s'] / args.n:.2f}", split]
        tot_ours += ours["wall_s"]
        if stock:
            tot_stock += stock["wall_s"]
            row += [f"{stock['wall_s']:.1f}", f"{stock['wall_s'] / args.n:.2f}", f"**{stock['wall_s'] / ours['wall_s']:.2f}x**"]
        body.append(row)
    if len(rows) > 1:
        total = ["**all, one run**", args.n * len(rows), f"{tot_ours:.1f}", f"{tot_ours / (args.n * len(rows)):.2f}", ""]
        if not args.ours_only:
            total += [f"{tot_stock:.1f}", f"{tot_stock / (args.n * len(rows)):.2f}", f"**{tot_stock / tot_ours:.2f}x**"]
        body.append(total)
    lines += [table(body, head), ""]
    for assignment, ours, stock in rows:
        lines.append(f"- {assignment}: ours exit {ours['rc']}, {ours['graded']}/{args.n} graded "
                     f"({ours['full_marks']} full marks, {ours['zero']} zero)"
                     + (f"; stock exit {stock['rc']}, {stock['graded']}/{args.n} autograded, "
                        f"{stock['executed']} with executed cells" if stock else ""))
    if args.ours_only:
        for assignment, ours, _ in rows:
            if args.n >= 200:
                lines.append(f"- {assignment}: {args.n} learners in **{ours['wall_s'] / 60:.1f} min** (target: 200 in 10 min)")
            else:  # the fixed start-up is spread over few learners: an overestimate
                per200 = ours["wall_s"] / args.n * 200 / 60
                lines.append(f"- {assignment}: {per200:.1f} min per 200 learners extrapolated from {args.n} "
                             "(start-up included, so an overestimate; target: 200 in 10 min)")
    lines += ["", "(d) Peak memory per process during `dlcourse autograde` (sampled from /proc every 0.25 s; "
              "RSS counts pages shared with a fork parent in full, PSS splits them):", ""]
    mem_rows = []
    for assignment, ours, stock in rows:
        for who, got in (("ours", ours), ("stock", stock)):
            if not got:
                continue
            for m in got["memory"]:
                mem_rows.append([assignment, who, f"`{m['label']}`", m["count"], f"{m['max_rss_mib']:.0f}",
                                 f"{m['median_rss_mib']:.0f}", f"{m['max_pss_mib']:.0f}"])
            mem_rows.append([assignment, who, "**whole tree at its peak**", "", f"{got['peak_tree_rss_mib']:.0f}", "",
                             f"{got['peak_tree_pss_mib']:.0f}"])
    lines.append(table(mem_rows, ["assignment", "run", "process", "count", "peak RSS max (MiB)",
                                  "peak RSS median (MiB)", "peak PSS max (MiB)"]))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
