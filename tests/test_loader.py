"""Does a broken submission get a clear reason instead of a traceback?"""
import json

import pytest

from dlcourse.errors import CourseError
from dlcourse.loader import load


def _nb(cells, nbformat=4):
    return json.dumps({"nbformat": nbformat, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"cell_type": "code", "metadata": {}, "source": s, "outputs": [],
                                  "execution_count": None} for s in cells]})


@pytest.mark.parametrize("content, reason", [
    ("{not json", "not a valid notebook"),
    (_nb([], nbformat=3), "format 3 is not supported"),
    (_nb([]), "no code to grade"),
    (json.dumps({"foo": 1}), "not a Jupyter notebook"),
    ("", "not a valid notebook"),
])
def test_unusable_notebook_gets_one_line_reason(tmp_path, content, reason):
    path = tmp_path / "sub.ipynb"
    path.write_text(content)
    with pytest.raises(CourseError, match=reason) as info:
        load(path)
    assert "\n" not in str(info.value)


def test_non_utf8_and_wrong_suffix_and_missing(tmp_path):
    bad = tmp_path / "sub.py"
    bad.write_bytes(b"x = '\xff\xfe'\n")
    with pytest.raises(CourseError, match="not UTF-8"):
        load(bad)
    other = tmp_path / "sub.txt"
    other.write_text("x = 1")
    with pytest.raises(CourseError, match=".ipynb notebook or a .py"):
        load(other)
    with pytest.raises(CourseError, match="no such file"):
        load(tmp_path / "nope.ipynb")


def test_syntax_error_cell_is_left_out_and_reported(tmp_path):
    path = tmp_path / "sub.ipynb"
    path.write_text(_nb(["def f(:\n  pass", "def g():\n    return 1", "%matplotlib inline\nx = 2"]))
    sub = load(path)
    assert [c.number for c in sub.cells] == [2, 3]
    assert sub.problems and "cell 1 has a syntax error" in sub.problems[0]
    assert sub.defined_names() >= {"g", "x"}


def test_main_guard_and_course_cells_are_not_learner_code(tmp_path):
    nb = json.loads(_nb(["from checks import check", 'check("g")', "def g():\n    return 1"]))
    nb["cells"][0]["metadata"] = {"tags": ["visible-checks"]}
    nb["cells"][1]["metadata"] = {"nbgrader": {"grade": True, "solution": False, "points": 1}}
    path = tmp_path / "sub.ipynb"
    path.write_text(json.dumps(nb))
    sub = load(path)
    assert [c.number for c in sub.cells] == [1]
    text, spans = sub.module_text()
    assert "def g" in text and len(spans) == 1


def test_a_notebook_in_memory_has_the_digest_of_its_file(tmp_path):
    """nbgrader's autograde step looks a result up by the notebook it holds in memory (store.notebook_digest)."""
    import nbformat

    from dlcourse.store import notebook_digest, submission_digest

    path = tmp_path / "sub.ipynb"
    digests = []
    for answer in ("def f(x):\n    return x + 1\n", "def f(x):\n    return x + 2\n"):
        nb = nbformat.reads(_nb(["%matplotlib inline\nimport math", answer, "def broken(:\n", "x = f(1)"]), as_version=4)
        nbformat.write(nb, str(path))
        assert notebook_digest(nb, path) == submission_digest(path)
        digests.append(notebook_digest(nb, path))
    assert digests[0] != digests[1], "another answer must give another digest"
