"""The README's main job: one assignment's whole cycle through nbgrader on a demo class.

Build the course, release an assignment through the exchange, let a class of simulated
learners fetch it, work (the reference, the stub, typical mistakes, broken notebooks) and
submit; then collect, autograde with the hidden graders, generate feedback and export.
Everything lives under ``run/demo/`` (its own nbgrader course root, SQLite gradebook and
exchange), so the checkout itself is never touched.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .autograde import autograde
from .bubblewrap import detect_mode
from .build import MARKERS, build, nbgrader_env
from .class_report import write_report
from .course import Course
from .errors import CourseError
from .store import result_store
from .verify import cases

DEFAULT_ASSIGNMENT = "07_torch_tensors_autograd"


class Nbgrader:
    """nbgrader's real CLI, on the course's config with the demo's own root, gradebook and exchange."""

    def __init__(self, course: Course, base: Path, db_url: str | None = None):
        self.course, self.base = course, base
        self.overrides = {"CourseDirectory": {"root": str(base), "db_url": db_url or f"sqlite:///{base / 'gradebook.db'}"},
                          "Exchange": {"root": str(base / "exchange")}}
        self.flags = [f"--{section}.{key}={value}" for section, keys in self.overrides.items() for key, value in keys.items()]

    def instructor(self, *args: str) -> str:
        return self._run([*args, "--NbGrader.config_file_name=course_config", *self.flags], self.course.root)

    def learner(self, student: str, *args: str) -> str:
        home = self.base / "home" / student
        home.mkdir(parents=True, exist_ok=True)
        course_id = self.course.config.CourseDirectory.course_id
        return self._run([*args, f"--course={course_id}", f"--Exchange.root={self.base / 'exchange'}",
                          f"--CourseDirectory.student_id={student}"], home)

    def _run(self, args: list[str], cwd: Path) -> str:
        env = nbgrader_env()
        env["DLCOURSE_ROOT"] = str(self.course.root)
        done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "nbgrader"), *args, "--NbGrader.logfile="],
                              cwd=cwd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stdout + done.stderr).strip().splitlines()[-6:]
            raise CourseError(f"nbgrader {args[0]} failed:\n  " + "\n  ".join(tail))
        return done.stdout + done.stderr


def _solved(course: Course, assignment: str, released: dict) -> dict:
    """The released notebook with every answer cell filled in from the source's solution."""
    source = json.loads(course.notebook(assignment).read_text(encoding="utf-8"))
    answers = {}
    for cell in source["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and cell["cell_type"] == "code":
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            answers[meta["grade_id"]] = "\n".join(l for l in text.split("\n") if l.strip() not in MARKERS)
    nb = json.loads(json.dumps(released))
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell["source"] = answers[grade_id]
    return nb


def _with_cell(nb: dict, code: str) -> dict:
    nb = json.loads(json.dumps(nb))
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": f"learner-{len(nb['cells'])}",
                        "metadata": {}, "outputs": [], "source": code})
    return nb


def _tampered(nb: dict) -> dict:
    """Test cells edited or deleted, and a syntax error in an extra cell: graded by function all the same."""
    nb = _with_cell(nb, "def oops(:\n    pass\n")
    tests = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")
             and not c["metadata"]["nbgrader"].get("solution")]
    if tests:
        tests[0]["source"] = "pass  # the learner emptied this check"
        nb["cells"].remove(tests[-1])
    return nb


def demo_class(course: Course, assignment: str, released: dict, mutants: int = 4) -> dict[str, bytes]:
    """Learner id -> the notebook they submit (reference, stub, typical mistakes, broken files)."""
    solved = _solved(course, assignment, released)
    # The forger solved it all, then tried to patch the grader's worker too: full marks, flagged for review.
    forger = _with_cell(solved, "import dlcourse.worker as _w\n_w._run_probe = lambda *args: True\n")
    learners = {"reference": solved, "stub": released, "tampered-cells": _tampered(solved), "forger": forger}
    for case in [c for c in cases(course, assignment) if c.kind == "mutant"][:mutants]:
        learners["mistake-" + case.name.replace("_", "-")] = _with_cell(solved, case.path.read_text(encoding="utf-8"))
    files = {k: json.dumps(v, indent=1).encode() for k, v in learners.items()}
    files["broken-json"] = b'{"cells": [ this is not a notebook'
    return files


def demo(assignment: str = DEFAULT_ASSIGNMENT, jobs: int = 2, base: Path | None = None) -> int:
    """Run the whole instructor cycle on a demo class under ``base`` (default run/demo/); print where results are."""
    course = Course.load()
    course.info(assignment)
    for line in build([assignment], course=course):
        print(line)
    base = Path(base or course.root / "run" / "demo").resolve()
    shutil.rmtree(base, ignore_errors=True)
    shutil.copytree(course.root / "source" / assignment, base / "source" / assignment)
    nbgrader = Nbgrader(course, base)
    print(f"nbgrader course root: {base} (sandbox: {detect_mode()})")
    nbgrader.instructor("generate_assignment", assignment, "--force")
    due = course.info(assignment).get("due")
    if due:  # the due date of course_config.py goes to the gradebook (late penalties use it)
        nbgrader.instructor("db", "assignment", "add", assignment, f"--duedate={due}")
    nbgrader.instructor("release_assignment", assignment, "--force")
    released = json.loads((base / "release" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))
    learners = demo_class(course, assignment, released)
    for student, content in learners.items():
        nbgrader.learner(student, "fetch_assignment", assignment)
        (base / "home" / student / assignment / f"{assignment}.ipynb").write_bytes(content)
        nbgrader.learner(student, "submit", assignment)
    print(f"released {assignment}; {len(learners)} learners fetched and submitted: {', '.join(learners)}")
    nbgrader.instructor("collect", assignment)
    code = autograde(assignment, jobs=jobs, course=course, overrides=nbgrader.overrides)
    nbgrader.instructor("generate_feedback", assignment, "--force")
    nbgrader.instructor("export", f"--to={base / 'grades.csv'}")
    nbgrader.instructor("export", "--exporter=dlcourse.export.QuestionCsvExport", f"--to={base / 'grades_by_question.csv'}")
    report = write_report(assignment, results=result_store(base, assignment).folder, out=base / "report.html", course=course)
    print(f"\ngradebook:   {base / 'gradebook.db'}  (formgrader: run nbgrader from {base})"
          f"\nfeedback:    {base / 'feedback'}/<learner>/{assignment}/{assignment}.html"
          f"\ngrades:      {base / 'grades.csv'}\nby question: {base / 'grades_by_question.csv'}"
          f"\nreport:      {report}  (the class at a glance: totals, common mistakes, what needs a look)")
    return code
