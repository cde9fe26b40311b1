"""Run All, as a learner would: a notebook executed top to bottom in a real Jupyter kernel.

``dlcourse runall [A...] [--release | --solved]`` executes ``release/<a>/<a>.ipynb`` (the default)
or the source notebook with its solutions (``--solved``) in a fresh kernel of the course's
``.venv`` (nbclient + ipykernel), in a temporary copy of the notebook's folder (so nothing a
notebook writes lands in the checkout). It requires that

* no cell ends in an error (the run stops at the first one and names that cell);
* every check cell (nbgrader ``grade_id`` ``check_*``) printed "not implemented yet" (release:
  each stub raises only when called, and says so) or "✔" (solved: each visible check passes);

and reports the notebook's wall time (budget: release ≤ 1 min, solved ≤ 3 min on 2 cores).
``dlcourse figures`` (dlcourse/figures.py) uses the same executor on the solved notebook.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .course import Course
from .errors import CourseError

BUDGET_S = {"release": 60.0, "solved": 180.0}
EXPECT = {"release": "not implemented yet", "solved": "✔"}


@dataclass
class Run:
    """One notebook's Run All: the executed notebook (nbformat), its wall time, what went wrong."""

    notebook: object
    seconds: float
    error: str | None = None          # one line: which cell raised what, or None
    cell_seconds: list = field(default_factory=list)


def kernel_python(course: Course | None = None) -> str:
    """The course .venv's python (the kernel learners use), else this interpreter."""
    if course is not None:
        venv = course.root / ".venv" / "bin" / "python"
        if venv.is_file():
            return str(venv)
    return sys.executable


def _kernel_manager(python: str, spec_dir: Path):
    """A kernel manager whose only kernel, ``python3``, is ``python -m ipykernel_launcher``
    (whatever kernelspecs the user has installed elsewhere)."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    folder = spec_dir / "kernels" / "python3"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kernel.json").write_text(json.dumps({
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (course .venv)", "language": "python"}), encoding="utf-8")
    specs = KernelSpecManager(kernel_dirs=[str(spec_dir / "kernels")], ensure_native_kernel=False)
    # ipc: a Unix socket in the run's own folder (no TCP port, no "unencrypted TCP" warning)
    # async, as nbclient expects: its kernel-alive watch runs while a cell waits for output
    return AsyncKernelManager(kernel_name="python3", kernel_spec_manager=specs, transport="ipc",
                              ip=str(spec_dir / "kernel"))


def cell_text(cell) -> str:
    """What a code cell printed: its stdout and its results' text/plain."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stdout":
            parts.append(out.get("text", ""))
        elif out.get("output_type") in ("execute_result", "display_data"):
            text = out.get("data", {}).get("text/plain")
            if text and out.get("output_type") == "execute_result":
                parts.append((text if isinstance(text, str) else "".join(text)) + "\n")
    return "".join(parts)


def _first_line(text: str, limit: int = 200) -> str:
    line = next((l.strip() for l in str(text).splitlines() if l.strip()), "")
    return line if len(line) <= limit else line[:limit - 1] + "…"


def execute(notebook: Path, workdir: Path | None = None, python: str | None = None,
            timeout: int = 600) -> Run:
    """Execute ``notebook`` top to bottom in a fresh kernel whose cwd is a temporary copy of
    ``workdir`` (default: the notebook's folder); stop at the first cell that raises."""
    import nbformat
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    notebook = Path(notebook)
    nb = nbformat.read(notebook, as_version=4)
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the kernel's inline backend draws
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    with tempfile.TemporaryDirectory(prefix="dlcourse-runall-") as tmp:
        cwd, source = Path(tmp) / "work", Path(workdir or notebook.parent).resolve()
        if Path(tmp).resolve().is_relative_to(source):
            raise CourseError(f"{source} holds the temporary folder {tmp}; give the notebook a folder of its own")
        shutil.copytree(source, cwd,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        km = _kernel_manager(python or sys.executable, Path(tmp) / "spec")
        client = NotebookClient(nb, km=km, timeout=timeout, startup_timeout=120, allow_errors=False,
                                resources={"metadata": {"path": str(cwd)}})
        start, error, seconds, kernel_log = time.perf_counter(), None, [], None
        code_number = 0
        try:
            # the kernel's own stdout/stderr (C++ logs, a crash) go to a file, not the terminal
            kernel_log = open(Path(tmp) / "kernel.log", "wb")  # noqa: SIM115 (closed below)
            with client.setup_kernel(cwd=str(cwd), env=env, stdout=kernel_log, stderr=kernel_log):
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type != "code":
                        continue
                    code_number += 1
                    began = time.perf_counter()
                    try:
                        client.execute_cell(cell, index)
                    except CellExecutionError as exc:
                        err = next((o for o in cell.outputs if o.get("output_type") == "error"), None)
                        what = f"{err['ename']}: {err['evalue']}" if err else _first_line(exc)
                        error = f"code cell {code_number} (id {cell.get('id', '?')}) raised {_first_line(what)}"
                    except CellTimeoutError:
                        error = f"code cell {code_number} (id {cell.get('id', '?')}) ran past {timeout} s"
                    except DeadKernelError:
                        kernel_log.flush()
                        said = (Path(tmp) / "kernel.log").read_text(errors="replace").strip().splitlines()
                        error = (f"code cell {code_number} (id {cell.get('id', '?')}): the kernel died"
                                 + (f" ({_first_line(said[-1])})" if said else " (out of memory?)"))
                    seconds.append((cell.get("id", "?"), time.perf_counter() - began))
                    if error:
                        break
        except (RuntimeError, OSError) as exc:  # the kernel never started
            error = error or f"the kernel did not start: {_first_line(exc)}"
        finally:  # the kernel manager is ours, so nbclient leaves the kernel to us
            try:
                if client.kc is not None:
                    client.kc.stop_channels()
                if km.has_kernel:
                    run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - a kernel that is already gone is fine
                pass
            if kernel_log is not None:
                kernel_log.close()
        return Run(nb, time.perf_counter() - start, error, seconds)


def check_cells(nb) -> list:
    """The check cells of a notebook: nbgrader test cells whose grade_id starts with check_."""
    out = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution") \
                and str(meta.get("grade_id", "")).startswith("check_"):
            out.append(cell)
    return out


def problems(run: Run, mode: str) -> list[str]:
    """What is wrong with a Run All (empty when it passed): an error, or a check cell that did
    not print what ``mode`` expects."""
    if run.error:
        return [run.error]
    found = []
    for cell in check_cells(run.notebook):
        text = cell_text(cell)
        if EXPECT[mode] not in text:
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            said = _first_line(text) or "nothing"
            found.append(f"{grade_id} printed {said!r}, expected a line with {EXPECT[mode]!r}")
    if not check_cells(run.notebook):
        found.append("no check cells (nbgrader grade_id check_*) in the notebook")
    return found


def notebook_of(course: Course, assignment: str, mode: str) -> Path:
    if mode == "release":
        path = course.root / "release" / assignment / f"{assignment}.ipynb"
        if not path.is_file():
            raise CourseError(f"{path} is missing; run `dlcourse build {assignment}` first")
        return path
    path = course.notebook(assignment)
    if not path.is_file():
        raise CourseError(f"{path} is missing")
    return path


@dataclass
class Outcome:
    assignment: str
    mode: str
    seconds: float
    problems: list

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self) -> str:
        over = " (over the budget of {:.0f} s)".format(BUDGET_S[self.mode]) if self.seconds > BUDGET_S[self.mode] else ""
        head = f"{'✔' if self.ok else '✘'} {self.assignment} [{self.mode}] Run All {self.seconds:.1f} s{over}"
        return head + "".join(f"\n    {p}" for p in self.problems)


def run_one(assignment: str, mode: str = "release", root: str | None = None, timeout: int = 600) -> Outcome:
    """Run All of one assignment's release (or solved source) notebook."""
    course = Course.load(Path(root) if root else None)
    course.info(assignment)
    run = execute(notebook_of(course, assignment, mode), python=kernel_python(course), timeout=timeout)
    return Outcome(assignment, mode, run.seconds, problems(run, mode))


def runall(assignments: list[str] | None = None, mode: str = "release", jobs: int = 1,
           course: Course | None = None):
    """Yield an Outcome per assignment (in order), running ``jobs`` notebooks side by side."""
    course = course or Course.load()
    names = assignments or course.assignments()
    for name in names:
        course.info(name)  # unknown names fail here, before any kernel starts
    if jobs <= 1 or len(names) == 1:
        for name in names:
            yield run_one(name, mode, str(course.root))
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_one, name, mode, str(course.root)) for name in names]
        for future in futures:
            yield future.result()
