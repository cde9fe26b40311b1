"""Malformed submissions: each gets a one-line reason, and loses only what it breaks.

Every kind is one row of ``KINDS`` (counted in one place). Three groups, by cost:
- unusable files: nothing can be graded; every test scores 0 with the reason, no worker starts;
- defects local to one graded function: all of them are put into *one* notebook, graded once;
  each costs its own function's points (with its reason) and the untouched functions keep theirs;
- whole-notebook changes: each graded on its own.
Built from the released notebook of 07 with the reference answers filled in (``_solved``).
"""
from __future__ import annotations

import json
import re

import pytest

from dlcourse.demo import _solved, _tampered
from dlcourse.grade import grade

A = "07_torch_tensors_autograd"
POINTS = {"tensor_summary": 3, "best_device": 2, "to_patches": 4, "grad_of": 4, "freeze": 3,
          "predict": 4, "manual_sgd_step": 5, "SquarePlus": 5}


def _released(course, assignment=A) -> dict:
    return json.loads(course.notebook(assignment, "release").read_text(encoding="utf-8"))


def solved(course, assignment=A) -> dict:
    return _solved(course, assignment, _released(course, assignment))


def _answer_cell(nb: dict, grade_id: str) -> dict:
    return next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def _nb_json(cells, nbformat=4) -> str:
    return json.dumps({"nbformat": nbformat, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"cell_type": "code", "metadata": {}, "source": s, "outputs": [],
                                  "execution_count": None} for s in cells]})


# --- unusable files: (name, writer(path, course) -> path, reason) ---------------------------
def _write(name, content, suffix=".ipynb"):
    def make(tmp_path, course):
        path = tmp_path / f"sub{suffix}"
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif callable(content):
            content(path, course)
        else:
            path.write_text(content, encoding="utf-8")
        return path
    return make


def _oversized(path, course):
    nb = solved(course)
    nb["cells"][0].setdefault("outputs", []).append({"output_type": "stream", "name": "stdout",
                                                     "text": "x" * (70 * 2**20)})
    path.write_text(json.dumps(nb), encoding="utf-8")


def _markdown_only(path, course):
    nb = solved(course)
    nb["cells"] = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    path.write_text(json.dumps(nb), encoding="utf-8")


UNUSABLE = {
    "invalid_json": (_write("j", '{"cells": [ this is not a notebook'), "not a valid notebook"),
    "empty_file": (_write("e", ""), "not a valid notebook"),
    "nbformat_3": (_write("v", _nb_json(["x = 1"], nbformat=3)), "format 3 is not supported"),
    "json_but_not_a_notebook": (_write("n", json.dumps({"foo": 1})), "not a Jupyter notebook"),
    "no_code_cells": (_write("m", _markdown_only), "no code to grade"),
    "every_cell_a_syntax_error": (_write("s", _nb_json(["def f(:\n  pass", "1 +"])), "no code to grade"),
    "non_utf8_bytes": (_write("u", b'{"cells": [], "x": "\xff\xfe"}'), "not UTF-8"),
    "over_64_mb": (_write("o", _oversized), "larger than 64 MB"),
    "wrong_suffix": (_write("w", "def tensor_summary(t):\n    return {}\n", suffix=".txt"), r"\.ipynb notebook or a \.py"),
    "missing_file": (lambda tmp_path, course: tmp_path / "never_written.ipynb", "no such file"),
}


# --- defects local to one function: (name, function, mutate(nb), reason) -------------------
def _syntax_error(nb):
    _answer_cell(nb, "tensor_summary")["source"] += "\n    return {:\n"


def _deleted(nb):
    nb["cells"].remove(_answer_cell(nb, "best_device"))


def _misspelt(nb):
    cell = _answer_cell(nb, "to_patches")
    cell["source"] = cell["source"].replace("def to_patches(", "def to_patch(")


def _missing_package(nb):
    cell = _answer_cell(nb, "grad_of")
    cell["source"] = "import not_an_installed_package_xyz\n" + cell["source"]


def _class_not_function(nb):
    _answer_cell(nb, "freeze")["source"] = (   # calling freeze(module, prefixes) makes a TypeError
        "class freeze:\n    def apply(self, module, prefixes):\n        for name, param in module.named_parameters():\n"
        "            if name.startswith(tuple(prefixes)):\n                param.requires_grad_(False)\n")


def _raises_at_import(nb):
    cell = _answer_cell(nb, "predict")
    cell["source"] = "raise ValueError('a broken experiment above the function')\n" + cell["source"]


LOCAL = {
    "syntax_error_in_one_cell": ("tensor_summary", _syntax_error, r"has a syntax error"),
    "graded_name_missing": ("best_device", _deleted, r"best_device is not defined"),
    "graded_name_misspelt": ("to_patches", _misspelt, r"to_patches is not defined"),
    "imports_a_package_not_installed": ("grad_of", _missing_package, r"ModuleNotFoundError.*not_an_installed_package_xyz"),
    "class_where_a_function_is_expected": ("freeze", _class_not_function, r"freeze raised TypeError"),
    "cell_raises_at_import": ("predict", _raises_at_import, r"raised ValueError: a broken experiment"),
}


# --- whole-notebook changes: (name, make(course, tmp_path) -> path, lost functions, reason) --
def _imports_last(course, tmp_path):
    nb = solved(course)
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    nb["cells"].remove(first)
    nb["cells"].append(first)          # every use of torch now comes before its import
    path = tmp_path / "reordered.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def _test_cells_tampered(course, tmp_path):
    path = tmp_path / "tampered.ipynb"
    path.write_text(json.dumps(_tampered(solved(course))), encoding="utf-8")
    return path


def _fifty_mb(course, tmp_path):
    nb = solved(course)
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "y" * (50 * 2**20)}]
    path = tmp_path / "big.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert path.stat().st_size > 50 * 2**20
    return path


def _other_assignment(course, tmp_path):
    path = tmp_path / "other.ipynb"
    path.write_text(json.dumps(solved(course, "01_tf_tensors_graphs")), encoding="utf-8")
    return path


WHOLE = {
    # the class statements need torch when they run: SquarePlus is lost, functions (torch looked up at call time) are not
    "cells_reordered_definitions_after_use": (_imports_last, {"SquarePlus"}, r"raised NameError: name '(torch|nn|np|F)' is not defined"),
    "test_cells_deleted_or_edited": (_test_cells_tampered, set(), r"has a syntax error"),
    "fifty_mb_notebook": (_fifty_mb, set(), None),
    "notebook_of_another_assignment": (_other_assignment, set(POINTS), r"is not defined|raised"),
}

KINDS = [*UNUSABLE, *LOCAL, *WHOLE]


def test_there_are_enough_distinct_kinds():
    assert len(KINDS) == len(set(KINDS)) >= 15


def _one_line(texts):
    for text in texts:
        assert text.strip() and "\n" not in text.strip(), f"not a one-line reason: {text!r}"


@pytest.mark.parametrize("kind", sorted(UNUSABLE))
def test_unusable_file_gets_zero_with_a_one_line_reason(kind, tmp_path, course):
    make, reason = UNUSABLE[kind]
    path = make(tmp_path, course)
    result = grade(A, path, course=course)
    assert result.score == 0 and result.max_score == sum(POINTS.values())
    assert result.errors and re.search(reason, result.errors[0]), result.errors
    _one_line(result.errors)
    assert result.tests and all(t["outcome"] == "error" and t["message"] == result.errors[0] for t in result.tests)


def test_defects_local_to_one_function_cost_only_that_function(tmp_path, course):
    nb = solved(course)
    for function, mutate, _ in LOCAL.values():
        mutate(nb)
    path = tmp_path / "local_defects.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    result = grade(A, path, course=course)
    per_fn = result.by_function()
    broken = {function for function, _, _ in LOCAL.values()}
    assert set(per_fn) == set(POINTS)
    for kind, (function, _, reason) in LOCAL.items():
        assert per_fn[function][0] == 0, f"{kind}: {function} kept {per_fn[function][0]} points"
        said = result.errors + [t["message"] for t in result.tests if t["function"] == function]
        assert any(re.search(reason, s) for s in said), f"{kind}: no reason matching {reason!r} in {said}"
    for function in set(POINTS) - broken:
        assert per_fn[function] == (POINTS[function], POINTS[function]), f"{function} lost points: {result.table()}"
    for t in result.tests:
        assert t["outcome"] == "passed" or t["message"], t
    _one_line(result.errors + [t["message"] for t in result.tests if t["outcome"] != "passed"])


@pytest.mark.parametrize("kind", sorted(WHOLE))
def test_whole_notebook_change_costs_only_what_it_breaks(kind, tmp_path, course):
    make, lost, reason = WHOLE[kind]
    result = grade(A, make(course, tmp_path), course=course)
    per_fn = result.by_function()
    assert set(per_fn) == set(POINTS)
    for function, (got, most) in per_fn.items():
        if function in lost:
            assert got == 0, f"{kind}: {function} kept {got} points"
        else:
            assert got == most == POINTS[function], f"{kind}: {function} got {got}/{most}: {result.table()}"
    if reason:
        said = result.errors + [t["message"] for t in result.tests]
        assert any(re.search(reason, s) for s in said), f"{kind}: no reason matching {reason!r} in {said}"
    _one_line(result.errors + [t["message"] for t in result.tests if t["outcome"] != "passed"])
