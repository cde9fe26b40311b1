"""An otter-grader plugin that grades with the course's hidden graders, in the sandbox.

``otter run`` always executes the submission in a Jupyter kernel and runs otter test files
there, in a process with the grader's rights. This plugin (named in the zip's
``otter_config.json``) grades the submission file with ``dlcourse.grade`` before that
execution and hands otter an empty notebook instead, so learner code runs only in our
sandbox; afterwards it replaces otter's (empty) results with ours: one otter question per
graded function, one hidden test case per hidden test.
"""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
from otter.plugins import AbstractOtterPlugin
from otter.test_files import GradingResults
from otter.test_files.abstract_test import TestCase, TestCaseResult
from otter.test_files.exception_test import ExceptionTestFile


def results_for(result) -> list[ExceptionTestFile]:
    """Otter test files (questions) from a ``Result``: one per graded function, in test order."""
    by_function: dict[str, list[dict]] = {}
    for t in result.tests:
        by_function.setdefault(t["function"], []).append(t)
    files = []
    for function, tests in by_function.items():
        # body stays empty: otter prints a case's body nowhere, and the hidden test never leaves us
        cases = [TestCase(name=t["name"], body=None, hidden=True, points=t["max_points"],
                          success_message=None, failure_message=None) for t in tests]
        tf = ExceptionTestFile(function, f"autograder/{result.assignment}/test_{function}.py", cases,
                               all_or_nothing=False)
        tf.test_case_results = [TestCaseResult(test_case=c, passed=t["outcome"] == "passed",
                                               message=t["outcome"] if not t["message"] else f"{t['outcome']}: {t['message']}")
                                for c, t in zip(cases, tests)]
        tf.update_score(sum(t["points"] for t in tests))
        files.append(tf)
    return files


class SandboxedGrading(AbstractOtterPlugin):
    """``{"plugins": [{"dlcourse.otter_plugin.SandboxedGrading": {"assignment": "<a>"}}]}``."""

    result = None

    def before_execution(self, submission):
        from .course import Course
        from .grade import grade

        source = Path(self.submission_path).resolve().parent.parent / "source"
        seed = os.environ.get("DLCOURSE_SEED")
        self.result = grade(self.plugin_config["assignment"], self.submission_path, course=Course.load(source),
                            seed=int(seed) if seed else None)
        if isinstance(submission, str):
            return ""
        empty = nbformat.v4.new_notebook()
        empty.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        return empty

    def after_grading(self, results: GradingResults):
        results.clear_results()
        if self.result is None:  # before_execution raised: otter reports that error itself
            return
        for tf in results_for(self.result):
            results.results[tf.name] = tf
        from .feedback import notebook_order, summary_text

        # the feedback summary (each question's points, each lost point's message), as Gradescope's output
        summary = summary_text(self.result, order=notebook_order(self.submission_path))
        results.set_output("\n".join([summary, f"grading seed {self.result.seed}"]))
