"""Generate the student release and the reference solutions from ``source/``.

The release comes from nbgrader's own ``generate_assignment`` (with this course's
config); ``solutions/<a>.py`` is the source notebook's learner code with the solution
markers removed, stamped as generated.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .course import Course
from .errors import CourseError
from .loader import is_learner_code

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def nbgrader_env() -> dict:
    """The environment for nbgrader's CLI: this interpreter's bin first (alembic, jupyter)."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def solution_text(assignment: str, notebook: Path) -> str:
    """The graded code of a source notebook: its learner code cells, markers removed."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    parts = [f'"""Reference solution of {assignment}.\n\nGenerated from source/{assignment}/{notebook.name} '
             'by `dlcourse build`; do not edit.\n"""\n']
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or not is_learner_code(cell.get("metadata")):
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        lines = [line for line in source.split("\n") if line.strip() not in MARKERS]
        parts.append("\n".join(lines).rstrip() + "\n")
    return "\n\n".join(parts)


def generate_release(course: Course, assignment: str, release_dir: Path) -> None:
    """Run ``nbgrader generate_assignment`` for one assignment into ``release_dir``."""
    cmd = [os.path.join(os.path.dirname(sys.executable), "nbgrader"), "generate_assignment", assignment,
           "--force", "--no-db", "--NbGrader.config_file_name=course_config",
           f"--CourseDirectory.root={course.root}", f"--CourseDirectory.release_directory={release_dir}",
           "--NbGrader.logfile="]
    done = subprocess.run(cmd, cwd=course.root, env=nbgrader_env(), capture_output=True, text=True)
    if done.returncode != 0 or not (release_dir / assignment).is_dir():
        tail = (done.stdout + done.stderr).strip().splitlines()[-8:]
        raise CourseError(f"nbgrader generate_assignment {assignment} failed:\n  " + "\n  ".join(tail))


def build(assignments: list[str] | None = None, out: Path | None = None, course: Course | None = None):
    """Write release/<a>/ and solutions/<a>.py (under ``out``, default the course root); yield progress lines."""
    course = course or Course.load()
    out = Path(out) if out else course.root
    names = assignments or course.assignments()
    for name in names:
        course.info(name)  # unknown names fail here, clearly
        notebook = course.notebook(name)
        if not notebook.is_file():
            raise CourseError(f"{notebook} is missing; author the assignment there first")
        with tempfile.TemporaryDirectory(prefix="dlcourse-build-") as tmp:
            generate_release(course, name, Path(tmp))
            target = out / "release" / name
            shutil.rmtree(target, ignore_errors=True)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(Path(tmp) / name, target)
        solution = out / "solutions" / f"{name}.py"
        solution.parent.mkdir(parents=True, exist_ok=True)
        solution.write_text(solution_text(name, notebook), encoding="utf-8")
        yield f"built {name}: {target.relative_to(out)}/, {solution.relative_to(out)}"
