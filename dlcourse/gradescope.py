"""One assignment's autograder zip, for Gradescope and for ``otter run``.

Gradescope unpacks the zip into ``/autograder/source``, runs ``setup.sh`` once to build the
image and ``run_autograder`` per submission (its spec:
https://gradescope-autograders.readthedocs.io/en/latest/specs/). ``otter run -a`` unpacks the
same zip, reads ``otter_config.json`` and needs a ``tests/`` folder; our plugin there grades
with the hidden graders in the sandbox, so otter's kernel never runs the learner's code.

The zip holds the tooling, the course configuration, the pinned lock, this assignment's
hidden graders and the data files they read: never ``solutions/``, notebooks or other
assignments' graders.
"""
from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

from .course import CONFIG_NAME, Course

PLUGIN = "dlcourse.otter_plugin.SandboxedGrading"
VENV = "/opt/dlcourse-venv"

# Gradescope's images ship their own Python; the course pins 3.11, so the venv is built
# from python3.11 (Ubuntu's package where the image lacks it). Everything else comes from
# PyPI through pip: no conda, no downloads of installers.
SETUP_SH = f"""#!/usr/bin/env bash
# Builds the grading image once: the course's pinned environment, from PyPI with pip only.
set -euo pipefail
source_dir="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)"
py="${{DLCOURSE_SETUP_PYTHON:-python3.11}}"
venv="${{DLCOURSE_VENV:-{VENV}}}"
if ! command -v "$py" >/dev/null 2>&1; then
    apt-get update && apt-get install -y python3.11 python3.11-venv
fi
# bubblewrap is the stronger sandbox; without it grading falls back to rlimits and an audit hook.
apt-get install -y bubblewrap || echo "setup.sh: no bubblewrap; the sandbox falls back to rlimits"
"$py" -m venv "$venv"
"$venv/bin/pip" install --no-cache-dir -r "$source_dir/requirements.lock"
"$venv/bin/pip" install --no-cache-dir --no-deps "$source_dir"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this once per submission. results.json is written even when Python itself
# cannot start: the fallback below is the last resort.
root="${{DLCOURSE_AUTOGRADER_ROOT:-/autograder}}"
venv="${{DLCOURSE_VENV:-{venv}}}"
py="${{DLCOURSE_PYTHON:-}}"
if [ -z "$py" ]; then
    if [ -x "$venv/bin/python" ]; then py="$venv/bin/python"; else py=python3; fi
fi
mkdir -p "$root/results"
rm -f "$root/results/results.json"
DLCOURSE_AUTOGRADER_ROOT="$root" DLCOURSE_ROOT="$root/source" "$py" -m dlcourse.gradescope_run {assignment}
status=$?
if [ ! -s "$root/results/results.json" ]; then
    printf '{{"score": 0, "output": "The autograder could not start (exit %s); ask your instructor.", "tests": []}}\\n' \\
        "$status" > "$root/results/results.json"
fi
exit 0
"""


def data_files(course: Course, assignment: str) -> list[Path]:
    """Files beside the notebook in ``source/<a>/`` that graders may read (weights, data).

    Notebooks and Python files stay out (the source notebook holds the solutions), and so do the
    notebook's ``figures/``, which are for learners.
    """
    folder = course.root / "source" / assignment
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix not in (".ipynb", ".py", ".pyc")
                  and not any(part.startswith(".") or part in ("__pycache__", "figures")
                              for part in p.relative_to(folder).parts))


def contents(course: Course, assignment: str) -> dict[str, Path | str]:
    """Archive name -> file on disk (or text) of the zip for ``assignment``."""
    course.info(assignment)
    root = course.root
    files: dict[str, Path | str] = {
        "setup.sh": SETUP_SH,
        "run_autograder": RUN_AUTOGRADER.format(venv=VENV, assignment=assignment),
        "otter_config.json": json.dumps(otter_config(assignment), indent=2) + "\n",
        "requirements.lock": root / "requirements.lock",
        "pyproject.toml": root / "pyproject.toml",
        CONFIG_NAME: root / CONFIG_NAME,
    }
    package = Path(__file__).resolve().parent
    for path in sorted(package.glob("*.py")):
        files[f"dlcourse/{path.name}"] = path
    graders = course.grader_dir(assignment)
    for path in sorted(graders.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            files[f"autograder/{assignment}/{path.relative_to(graders).as_posix()}"] = path
    for path in data_files(course, assignment):
        files[path.relative_to(root).as_posix()] = path
    return files


def otter_config(assignment: str) -> dict:
    """``otter_config.json``: our plugin grades; every question's result is shown after publishing."""
    return {"lang": "python", "plugins": [{PLUGIN: {"assignment": assignment}}],
            "show_hidden": True, "force_public_test_summary": False, "show_stdout": False}


def build_zip(assignment: str, dest: Path | str | None = None, course: Course | None = None) -> Path:
    """Write the autograder zip of ``assignment`` (default ``<a>-autograder.zip`` here); return its path."""
    course = course or Course.load()
    files = contents(course, assignment)
    name = f"{assignment}-autograder.zip"
    if dest is None:
        dest = Path(name)
    elif Path(dest).is_dir() or str(dest).endswith(("/", "\\")) or Path(dest).suffix != ".zip":
        dest = Path(dest) / name  # a folder, existing or not
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, src in files.items():
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            executable = name in ("setup.sh", "run_autograder")
            info.external_attr = ((stat.S_IFREG | (0o755 if executable else 0o644)) << 16)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, src if isinstance(src, str) else src.read_bytes())
        # otter run copies source/tests/ into the submission folder and fails without it
        tests_dir = zipfile.ZipInfo("tests/", date_time=(2020, 1, 1, 0, 0, 0))
        tests_dir.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10
        zf.writestr(tests_dir, b"")
    return dest
