"""nbgrader's autograde step done by the hidden graders.

``HiddenGraders`` takes the place of nbgrader's ``Execute`` in
``c.Autograde.autograde_preprocessors``: instead of running the notebook with the
instructor's rights, it grades the learner's code by function name in the sandbox and
writes each ``check_<name>`` test cell's outputs: the per-test feedback (stdout) and the
question's partial credit (the value nbgrader's ``SaveAutoGrades`` records).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import nbformat
from nbformat import from_dict
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor

from .course import Course
from .errors import CourseError
from .grade import grade
from .report import Result
from .store import notebook_digest, result_store, submission_digest


class HiddenGraders(NbGraderPreprocessor):
    """Score each autograded test cell with the hidden graders of its function."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        assignment, student = info["assignment"], info["student"]
        root = self.config.CourseDirectory.get("root") or str(Path.cwd())
        store = result_store(Path(root), assignment)
        with tempfile.TemporaryDirectory(prefix="dlcourse-nb-") as tmp:
            path = Path(tmp) / f"{info['notebook']}.ipynb"
            try:
                digest = notebook_digest(nb, path)       # what the file would hold, without writing it
            except CourseError:                      # no code to grade: the digest is that of the file's bytes
                nbformat.write(nb, str(path))
                digest = submission_digest(path)
            result = store.get(student, digest)      # graded already by `dlcourse autograde`
            if result is None:
                if not path.exists():
                    nbformat.write(nb, str(path))
                result = grade(assignment, path, course=Course.load())
                store.put(student, digest, result)
        fill_test_cells(nb, result)
        resources["dlcourse_flags"] = list(result.flags)
        return nb, resources


class FlagForReview(NbGraderPreprocessor):
    """After ``SaveAutoGrades``: a submission with evidence of forging needs manual grading.

    Every grade of the notebook is marked as needing a manual grade, and the evidence (one line each)
    becomes the automatic comment of its first solution cell, where the formgrader shows it.
    """

    def preprocess(self, nb, resources):
        flags = resources.get("dlcourse_flags")
        if not flags:
            return nb, resources
        info = resources["nbgrader"]
        key = (info["notebook"], info["assignment"], info["student"])
        with Gradebook(info["db_url"]) as gradebook:
            for grade in gradebook.find_submission_notebook(*key).grades:
                grade.needs_manual_grade = True
            first = next((c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")), None)
            if first is not None:
                comment = gradebook.find_comment(first.metadata.nbgrader.grade_id, *key)
                comment.auto_comment = "Flagged for manual grading: " + "; ".join(flags)
            gradebook.db.commit()
        return nb, resources


def fill_test_cells(nb, result: Result) -> None:
    """Give every autograded test cell its feedback and partial credit from ``result``."""
    by_function: dict[str, list[dict]] = {}
    for test in result.tests:
        by_function.setdefault(test["function"], []).append(test)
    notes = [f"About the whole submission: {e}" for e in result.errors]
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        points = float(meta.get("points", 0))
        tests = by_function.get(str(meta.get("grade_id", "")).removeprefix("check_"), [])
        earned, possible = sum(t["points"] for t in tests), sum(t["max_points"] for t in tests)
        score = min(points, round(points * earned / possible, 6)) if possible else 0.0
        lines = [*notes, *map(feedback_line, tests)] or ["No hidden test grades this cell; tell your instructor."]
        notes = []  # the whole-submission notes go to the first test cell only
        # Plain nodes, as nbformat's new_output would build them minus its schema check per output
        # (a tenth of the gradebook step); nbgrader validates the whole notebook when it writes it.
        cell.outputs = [from_dict({"output_type": "stream", "name": "stdout", "text": "\n".join(lines) + "\n"}),
                        from_dict({"output_type": "execute_result", "data": {"text/plain": repr(score)},
                                   "metadata": {}, "execution_count": None})]


def feedback_line(test: dict) -> str:
    """One test as the learner reads it: what was checked, the points, why it failed."""
    what = test["name"].removeprefix("test_").replace("_", " ")
    mark = "passed" if test["outcome"] == "passed" else test["outcome"].upper()
    line = f"[{mark}] {what}: {test['points']:g}/{test['max_points']:g}"
    return line + (f" - {test['message']}" if test["message"] and test["outcome"] != "passed" else "")
