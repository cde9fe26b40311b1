"""The course's own release steps, as nbgrader preprocessors.

``course_config.py`` puts them in ``c.GenerateAssignment.preprocessors``, so nbgrader's own
``generate_assignment`` (the formgrader's "Generate" button, or the CLI) and ``dlcourse build``
(which runs that CLI) make the same release:

* :class:`RemoveInstructorOnly` drops every cell tagged ``instructor-only`` (the answers to
  "Check your understanding").
* :class:`StubWholeDefinitions` runs right after ``ClearSolutions``: a solution cell whose
  whole top-level ``def`` was the solution region is left with a module-level
  ``raise NotImplementedError()``, which would stop Run All there; it becomes
  ``def <grade_id>(*args, **kwargs): raise NotImplementedError()`` (the cell's comments kept),
  a stub that raises only when called.

Both run before ``ComputeChecksums``/``SaveCells``, so the checksums and the gradebook's copy of
each cell are those of the release itself: autograding sees exactly what the learner received.
"""
from __future__ import annotations

import ast
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

INSTRUCTOR_ONLY = "instructor-only"


def _tags(cell) -> list:
    tags = (cell.get("metadata") or {}).get("tags") or []
    return tags if isinstance(tags, list) else []


class RemoveInstructorOnly(NbGraderPreprocessor):
    """Remove the cells tagged ``instructor-only`` from the release."""

    def preprocess(self, nb, resources):
        kept = []
        for index, cell in enumerate(nb.cells):
            if INSTRUCTOR_ONLY not in _tags(cell):
                kept.append(cell)
                continue
            if utils.is_grade(cell) or utils.is_solution(cell) or utils.is_locked(cell):
                # a graded cell must reach the release (the gradebook knows it): refuse, clearly
                raise RuntimeError(f"cell {index + 1} is tagged {INSTRUCTOR_ONLY} but is an nbgrader "
                                   "graded/solution/read-only cell; remove the tag or the nbgrader metadata")
        removed = len(nb.cells) - len(kept)
        if removed:
            self.log.info("Removed %d %s cell(s)", removed, INSTRUCTOR_ONLY)
        nb.cells = kept
        return nb, resources


def _is_not_implemented_raise(node: ast.stmt) -> bool:
    if not isinstance(node, ast.Raise) or node.exc is None:
        return False
    exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def stub_whole_definition(source: str, name: str) -> str | None:
    """``source`` with each module-level ``raise NotImplementedError(...)`` replaced by a
    ``def name(*args, **kwargs)`` that raises when called; None when there is none to replace
    (or the cell does not parse, or ``name`` is no identifier: then it is left as it is)."""
    if not name.isidentifier():
        return None
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    raises = [node for node in tree.body if _is_not_implemented_raise(node)]
    if not raises:
        return None
    lines = source.split("\n")
    for node in reversed(raises):  # bottom-up, so earlier line numbers stay valid
        first, last = node.lineno - 1, node.end_lineno - 1
        if lines[first][:node.col_offset].strip() or lines[last][node.end_col_offset:].strip():
            return None  # shares a line with other code (`x = 1; raise ...`): leave it alone
        lines[first:last + 1] = [f"def {name}(*args, **kwargs):", "    raise NotImplementedError()"]
    return "\n".join(lines)


class StubWholeDefinitions(NbGraderPreprocessor):
    """After ``ClearSolutions``: a module-level stub ``raise`` in a solution cell becomes a
    function named after the cell's ``grade_id`` that raises when called."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and utils.is_solution(cell):
            name = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            new = stub_whole_definition(cell.source, name)
            if new is not None:
                self.log.info("Stubbed the whole definition of %s", name)
                cell.source = new
        return cell, resources

