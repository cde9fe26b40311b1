"""Read a submission (.ipynb or .py) into the code cells that make up its module.

A notebook's code cells are kept one by one, so that a cell with a syntax error is left
out (and reported) instead of sinking the whole submission. IPython magics and shell
lines are commented out: they mean nothing outside a kernel.
"""
from __future__ import annotations

import ast
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CourseError

MAX_BYTES = 64 * 1024 * 1024
_MAGIC = re.compile(r"^(\s*)([%!])")


@dataclass
class Cell:
    """One code cell: its number in the notebook (1-based, code cells only) and source."""

    number: int
    source: str


@dataclass
class Submission:
    """What grading needs of a submission: its cells, and what was wrong with it."""

    path: Path
    cells: list[Cell]
    problems: list[str] = field(default_factory=list)

    def module_text(self) -> tuple[str, list[tuple[int, int]]]:
        """The cells joined into one file, with each cell's first line (1-based) and length."""
        parts, spans, line = [], [], 1
        for cell in self.cells:
            text = cell.source.rstrip("\n") + "\n"
            header = f"# --- cell {cell.number} ---\n"
            parts.append(header + text + "\n")
            spans.append((line + 1, text.count("\n")))
            line += 1 + text.count("\n") + 1
        return "".join(parts), spans

    def defined_names(self) -> set[str]:
        """Names bound at the top level of the module (functions, classes, assignments, imports)."""
        names: set[str] = set()
        for cell in self.cells:
            for node in ast.parse(cell.source).body:
                names |= _bound_names(node)
        return names


def _bound_names(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    targets = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    names = set()
    for target in targets:
        for sub in ast.walk(target):
            if isinstance(sub, ast.Name):
                names.add(sub.id)
    return names


def is_learner_code(metadata) -> bool:
    """False for cells that are the course's, not the learner's module: nbgrader test
    cells (``check(...)`` calls) and cells tagged ``visible-checks`` (their import)."""
    if not isinstance(metadata, dict):
        return True
    nbgrader = metadata.get("nbgrader")
    if isinstance(nbgrader, dict) and nbgrader.get("grade") is True and not nbgrader.get("solution"):
        return False
    tags = metadata.get("tags")
    return not (isinstance(tags, list) and "visible-checks" in tags)


@functools.lru_cache(maxsize=4096)
def _syntax_error(source: str) -> str:
    """Where and why ``source`` does not compile, or "" (cached: most cells are the release's, alike for every learner)."""
    try:
        compile(source, "cell", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        where = f" (line {exc.lineno})" if getattr(exc, "lineno", None) else ""
        return f"{where}: {getattr(exc, 'msg', exc)}"
    return ""


def _strip_magics(source: str) -> str:
    if source.lstrip().startswith("%%"):
        return ""  # a cell magic: the whole cell is for IPython
    return "\n".join(_MAGIC.sub(r"\1# \2", line) for line in source.split("\n"))


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise CourseError(f"{path}: no such file; give the path of a .ipynb or .py submission")
    if path.stat().st_size > MAX_BYTES:
        raise CourseError(f"{path}: larger than {MAX_BYTES // 2**20} MB; clear the notebook's outputs and submit again")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CourseError(f"{path}: not UTF-8 text; save the file as UTF-8 and submit again") from None


def _notebook_cells(path: Path, text: str) -> list[Cell]:
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CourseError(f"{path}: not a valid notebook (JSON error at line {exc.lineno}); "
                          "re-download it from Jupyter with File > Save, or submit the .py") from None
    return _cells_of(path, nb)


def _cells_of(path: Path, nb) -> list[Cell]:
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise CourseError(f"{path}: not a Jupyter notebook (no list of cells)")
    if nb.get("nbformat") != 4:
        raise CourseError(f"{path}: notebook format {nb.get('nbformat')!r} is not supported; "
                          "open and save it in JupyterLab to convert it to format 4")
    cells = []
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        if not is_learner_code(cell.get("metadata")):
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(s) for s in source)
        cells.append(Cell(len(cells) + 1, str(source)))
    return cells


def load(path) -> Submission:
    """Load a submission, dropping (and reporting) cells that do not compile."""
    path = Path(path)
    text = _read_text(path)
    if path.suffix == ".ipynb":
        raw = _notebook_cells(path, text)
    elif path.suffix == ".py":
        raw = [Cell(1, text)]
    else:
        raise CourseError(f"{path}: a submission must be a .ipynb notebook or a .py file")
    return _compiled(path, raw)


def load_notebook(nb: dict, path) -> Submission:
    """A notebook already in memory (nbgrader's, while it autogrades), loaded as ``load`` loads it from ``path``."""
    return _compiled(Path(path), _cells_of(Path(path), nb))


def _compiled(path: Path, raw: list[Cell]) -> Submission:
    cells, problems = [], []
    for cell in raw:
        source = _strip_magics(cell.source)
        error = _syntax_error(source)
        if error:
            problems.append(f"cell {cell.number} has a syntax error{error}; it was left out")
            continue
        if source.strip():
            cells.append(Cell(cell.number, source))
    if not cells:
        raise CourseError(f"{path}: no code to grade (no code cells, or none that compile)")
    return Submission(path, cells, problems)
