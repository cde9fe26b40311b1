"""Does the CLI give JSON in the documented format, and one-line errors for bad input?"""
import json
import subprocess
import sys

import pytest

KEYS = {"assignment", "submission", "score", "max_score", "tests", "errors", "seed", "timings", "flags"}
TEST_KEYS = {"name", "function", "points", "max_points", "outcome", "message", "seconds"}


def dlcourse(*args, cwd):
    return subprocess.run([sys.executable, "-m", "dlcourse.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_grade_json_of_the_released_stub_is_zero_with_an_outcome_per_test(course):
    a = "07_torch_tensors_autograd"
    done = dlcourse("grade", a, f"release/{a}/{a}.ipynb", "--json", cwd=course.root)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == KEYS and result["score"] == 0 and result["max_score"] > 0
    assert result["tests"] and all(set(t) == TEST_KEYS for t in result["tests"])
    assert {t["outcome"] for t in result["tests"]} <= {"failed", "error", "missing", "timeout"}


@pytest.mark.parametrize("args, words", [
    (["grade", "99_nope", "x.py"], "unknown assignment"),
    (["grade", "07_torch_tensors_autograd", "does_not_exist.ipynb"], None),
    (["build", "99_nope"], "unknown assignment"),
])
def test_bad_input_is_one_line_without_traceback(course, args, words):
    done = dlcourse(*args, cwd=course.root)
    if words is None:  # a missing submission is graded as zero with the reason, not an error
        result = json.loads(dlcourse(*args, "--json", cwd=course.root).stdout)
        assert result["score"] == 0 and "no such file" in result["errors"][0]
        return
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert words in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_graders_of_two_assignments_with_same_file_names_do_not_mix(course):
    import re

    from dlcourse.grade import grade

    def defined(assignment):
        text = (course.root / "autograder" / assignment / "test_tensor_summary.py").read_text()
        return set(re.findall(r"^def (test_\w+)", text, re.MULTILINE))

    for assignment in ("07_torch_tensors_autograd", "01_tf_tensors_graphs"):  # one process, in turn
        result = grade(assignment, course.notebook(assignment, "release"), course=course)
        ran = {t["name"] for t in result.tests if t["function"] == "tensor_summary"}
        assert ran == defined(assignment), f"{assignment} ran another assignment's tests: {ran}"
