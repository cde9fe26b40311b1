"""nbgrader export plugin: the gradebook as one CSV row per learner and question."""
from __future__ import annotations

import csv

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin


class QuestionCsvExport(ExportPlugin):
    """``nbgrader export --exporter=dlcourse.export.QuestionCsvExport --to grades_by_question.csv``."""

    def export(self, gradebook) -> None:
        dest = self.to or "grades_by_question.csv"
        wanted_a, wanted_s = set(map(str, self.assignment)), set(map(str, self.student))
        with open(dest, "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(["assignment", "student_id", "notebook", "question", "score", "max_score", "needs_manual_grade"])
            for assignment in gradebook.assignments:
                if wanted_a and assignment.name not in wanted_a:
                    continue
                for student in gradebook.students:
                    if wanted_s and student.id not in wanted_s:
                        continue
                    try:
                        submission = gradebook.find_submission(assignment.name, student.id)
                    except MissingEntry:
                        continue
                    for notebook in submission.notebooks:
                        for grade in sorted(notebook.grades, key=lambda g: g.name):
                            out.writerow([assignment.name, student.id, notebook.name, grade.name,
                                          grade.score, grade.max_score, grade.needs_manual_grade])
        self.log.info("Exported per-question grades to %s", dest)
