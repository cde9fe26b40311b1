"""Feedback on arrival: seconds from a learner's submit to their feedback released (`dlcourse serve`).

A fresh nbgrader class under run/bench/loop/ (its own course root, gradebook and exchange) with one
assignment released; `dlcourse serve A --jobs J` runs beside it as on a hub. Learners submit with
nbgrader's submit CLI. (1) One learner at a time: the first submission right after the loop started
(its grading processes still warming up), then --single more, one after another (warm). (2) A burst:
--n learners (default 50), one every --window/--n s (default 60 s in all), cheap submissions of every
kind (benchmarks/README.md "The class"), through nbgrader's submit code in this process (its CLI's
process start would spread 50 over minutes on 2 cores). Each latency is from the submission's nbgrader timestamp to the
loop's `released` event (.dlcourse/loop/events.jsonl). Writes section `loop` of docs/benchmarks.md
and run/bench/loop_latency.json.

    .venv/bin/python -m benchmarks.loop_latency [--n 50] [--jobs 2] [--single 3]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .common import BENCH_ROOT, ROOT, command_line, machine, machine_lines, make_class, publish, released_notebook, table

A = "07_torch_tensors_autograd"
BIN = Path(sys.executable).parent
CONFIG = '''import os
c = get_config()  # noqa: F821
load_subconfig("course_config.py", path={checkout!r})  # noqa: F821
here = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.root = here
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, "gradebook.db")
c.Exchange.root = os.path.join(here, "exchange")
'''


def make_course(base: Path, assignment: str) -> Path:
    """A course root whose exchange and gradebook live inside it, with ``assignment`` released."""
    from dlcourse.autograde import nbgrader_api
    from dlcourse.course import Course

    root = base / "course"
    (root / "exchange").mkdir(parents=True)
    os.chmod(root / "exchange", 0o777)
    shutil.copytree(ROOT / "source" / assignment, root / "source" / assignment, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "autograder").symlink_to(ROOT / "autograder")
    (root / "course_config.py").write_text(CONFIG.format(checkout=str(ROOT)))
    (root / "nbgrader_config.py").write_text("load_subconfig('course_config.py')  # noqa: F821\n")
    api = nbgrader_api(Course.load(root))
    for step in (api.generate_assignment(assignment, force=True), api.release_assignment(assignment)):
        if not step["success"]:
            raise SystemExit(step.get("error") or step.get("log"))
    return root


def submit(root: Path, assignment: str, student: str, notebook: bytes) -> float:
    """The learner's work in their home, sent with nbgrader's submit CLI; seconds the CLI took."""
    home = root.parent / "home" / student
    folder = home / assignment
    shutil.copytree(root / "release" / assignment, folder, dirs_exist_ok=True)
    (folder / f"{assignment}.ipynb").write_bytes(notebook)
    start = time.perf_counter()
    subprocess.run([str(BIN / "nbgrader"), "submit", assignment, "--course=dl-frameworks",
                    f"--Exchange.root={root / 'exchange'}", f"--Exchange.cache={home / '.cache'}",
                    f"--CourseDirectory.student_id={student}", "--NbGrader.logfile="],
                   cwd=home, check=True, capture_output=True)
    return time.perf_counter() - start


def submit_here(root: Path, assignment: str, student: str, notebook: bytes) -> None:
    """The same submission through nbgrader's exchange code in this process (the CLI minus its process start)."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import ExchangeSubmit
    from traitlets.config import Config

    home = root.parent / "home" / student
    folder = home / assignment
    shutil.copytree(root / "release" / assignment, folder, dirs_exist_ok=True)
    (folder / f"{assignment}.ipynb").write_bytes(notebook)
    config = Config({"CourseDirectory": {"course_id": "dl-frameworks", "student_id": student, "assignment_id": assignment},
                     "Exchange": {"root": str(root / "exchange"), "cache": str(home / ".cache"), "assignment_dir": str(home)}})
    ExchangeSubmit(coursedir=CourseDirectory(config=config), authenticator=Authenticator(config=config), config=config).start()


def events(root: Path) -> list[dict]:
    path = root / ".dlcourse" / "loop" / "events.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def wait_for(root: Path, students: set[str], timeout: float) -> dict[str, dict]:
    """Each learner's final event (released, recorded or failed), once all of ``students`` have one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        final = {e["student"]: e for e in events(root) if e["event"] in ("released", "recorded", "failed")
                 and e.get("student") in students}
        if set(final) == students:
            return final
        time.sleep(0.5)
    raise SystemExit(f"no feedback within {timeout:.0f} s for {sorted(students - set(final))}; see {root.parent / 'serve.log'}")


def stats(values: list[float]) -> list:
    values = sorted(values)
    p90 = values[min(len(values) - 1, round(0.9 * (len(values) - 1)))]
    return [len(values), f"{statistics.median(values):.1f}", f"{p90:.1f}", f"{values[-1]:.1f}"]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--assignment", default=A)
    p.add_argument("--n", type=int, default=50, help="learners in the burst (default 50)")
    p.add_argument("--jobs", type=int, default=2, help="the loop's grading processes (default 2)")
    p.add_argument("--single", type=int, default=3, help="single learners after the first, one at a time (default 3)")
    p.add_argument("--window", type=float, default=60.0, help="seconds the burst's submissions are spread over (default 60)")
    p.add_argument("--no-doc", action="store_true", help="print, do not write docs/benchmarks.md")
    args = p.parse_args(argv)
    from dlcourse.build import nbgrader_env
    from dlcourse.course import Course

    os.environ["PATH"] = nbgrader_env()["PATH"]   # nbgrader's Gradebook runs this venv's `alembic`

    info = machine()
    course, a = Course.load(ROOT), args.assignment
    base = BENCH_ROOT / "loop"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    root = make_course(base, a)
    released = released_notebook(course, a)
    env = dict(os.environ, DLCOURSE_ROOT=str(root))
    serve = subprocess.Popen([str(BIN / "dlcourse"), "serve", a, "--jobs", str(args.jobs), "--poll", "1",
                              "--log", str(base / "serve.log")], env=env, cwd=root, start_new_session=True)
    report = {"machine": info, "assignment": a, "jobs": args.jobs}
    try:
        while not any(e["event"] == "started" for e in events(root)):
            time.sleep(0.2)
        # (1) one learner at a time
        single = []
        for i, (kind, nb) in enumerate(list(make_class(course, a, released, args.single + 1).items())):
            submit(root, a, kind, nb)
            final = wait_for(root, {kind}, 900)[kind]
            single.append({"student": kind, "event": final["event"], "latency_s": final.get("latency_s"),
                           "grading_s": final.get("grading_s"), "gradebook_s": final.get("gradebook_s"), "feedback_s": final.get("feedback_s"), "cold": i == 0})
            print(f"single learner {kind}: {final['event']} {final.get('latency_s')} s after submitting", flush=True)
        report["single"] = single
        # (2) a burst: n learners, one every 60/n s (a minute before a deadline)
        learners = {f"b{student}": nb for student, nb in make_class(course, a, released, args.n).items()}
        start = time.time()
        for i, (student, nb) in enumerate(learners.items()):
            time.sleep(max(0.0, start + i * args.window / args.n - time.time()))
            submit_here(root, a, student, nb)
        submitted_s = time.time() - start
        final = wait_for(root, set(learners), 3600)
        done_s = max(e["t"] for e in final.values()) - start
        burst = [{"student": s, "event": e["event"], "latency_s": e.get("latency_s"), "grading_s": e.get("grading_s"), "gradebook_s": e.get("gradebook_s"), "feedback_s": e.get("feedback_s")}
                 for s, e in sorted(final.items())]
        report["burst"] = {"learners": burst, "submit_window_s": round(submitted_s, 1), "all_done_s": round(done_s, 1)}
        print(f"burst: {args.n} submitted in {submitted_s:.1f} s, all feedback {done_s:.1f} s after the first", flush=True)
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            serve.kill()
    ok = [b for b in burst if b["event"] != "failed"]
    rows = [["one learner, right after the loop started (its grading processes still warming up)",
             *stats([single[0]["latency_s"]])],
            ["one learner at a time, warm", *stats([s["latency_s"] for s in single[1:]])],
            [f"burst: {args.n} learners submitting within {submitted_s:.0f} s", *stats([b["latency_s"] for b in ok])]]
    parts = {k: statistics.median([b[k] for b in ok]) for k in ("grading_s", "gradebook_s", "feedback_s")}
    failed = len(burst) - len(ok)
    body = "\n".join([
        "## Feedback on arrival: submit to feedback released (`dlcourse serve`)", "",
        f"Command: `{command_line()}`", "", *machine_lines(info), "",
        f"- a fresh class (run/bench/loop/): `{a}` released; `dlcourse serve {a} --jobs {args.jobs} --poll 1` beside it; "
        "single learners submit with nbgrader's submit CLI; the burst's learners with nbgrader's submit code in the "
        f"benchmark's process (the CLI's process start costs 3-14 s here), one every {args.window / args.n:.1f} s; "
        "latency = the loop's `released` event minus the submission's nbgrader timestamp (the learner fetches it from then on)",
        f"- what each learner submits: the class of benchmarks/README.md (reference, stub, tampered cells, every typical "
        f"mistake of tests/mutants/{a}/, in turn), each with a comment naming the learner (no two alike)", "",
        table(rows, ["case", "learners", "median (s)", "p90 (s)", "max (s)"]), "",
        f"- burst: the last feedback was released {done_s:.0f} s after the first submission ({done_s / args.n:.1f} s "
        f"per learner); {failed} failed",
        f"- where a burst learner's time goes (medians): grading {parts['grading_s']:.1f} s from the start of its grading "
        f"(waiting for a free grading process included), recording with nbgrader's autograde {parts['gradebook_s']:.1f} s, "
        f"nbgrader's generate_feedback + release_feedback {parts['feedback_s']:.1f} s; the last two run one learner at a "
        "time in the loop's process, beside the grading processes",
    ])
    publish("loop", body, report, BENCH_ROOT / "loop_latency.json", doc=not args.no_doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
