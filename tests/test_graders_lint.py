"""Are the hidden graders written so that they can fail, and fail for the right reason?"""
import ast
from pathlib import Path

import pytest

GRADERS = sorted((Path(__file__).resolve().parent.parent / "autograder").glob("*/test_*.py"))


@pytest.mark.parametrize("path", GRADERS, ids=[f"{p.parent.name}/{p.name}" for p in GRADERS])
def test_grader_uses_expect_and_marks_every_test(path):
    tree = ast.parse(path.read_text())
    asserts = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Assert)]
    assert not asserts, f"bare assert at lines {asserts}: use expect()/close() (a tuple assert never fails)"
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            marks = [d for d in node.decorator_list if isinstance(d, ast.Call) and getattr(d.func, "id", "") == "graded"]
            assert marks, f"{node.name} has no @graded(function, points)"


def test_there_are_graders():
    assert len(GRADERS) >= 10
