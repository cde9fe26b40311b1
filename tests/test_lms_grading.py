"""A class downloaded from an LMS, graded in one command; then the class report, checked in a browser.

Made-up Canvas and Moodle downloads of 07: a solved notebook, a stub, a typical mistake, a broken
file, a learner who submitted twice, and a file named by hand.
"""
import csv
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from dlcourse.class_report import summarize, write_report
from dlcourse.demo import _solved, _with_cell
from dlcourse.lms import find, grade_download
from dlcourse.store import ResultStore
from dlcourse.verify import notebook_points

A = "07_torch_tensors_autograd"
ROOT = Path(__file__).resolve().parent.parent
ART = ROOT / "run" / "artifacts" / "report"


def _notebooks(course):
    released = json.loads(course.notebook(A, "release").read_text(encoding="utf-8"))
    solved = _solved(course, A, released)
    mistake = (ROOT / "tests" / "mutants" / A / "freeze_substring.py").read_text(encoding="utf-8")
    return {"solved": json.dumps(solved), "stub": json.dumps(released),
            "mistake": json.dumps(_with_cell(solved, mistake)), "broken": '{"cells": [ not json'}


def _canvas(folder: Path, nb: dict) -> Path:
    files = {"smithjane_1001_5001_07_torch_tensors_autograd.ipynb": nb["solved"],
             "doejohn_1002_4990_07_torch_tensors_autograd.ipynb": nb["stub"],          # older: replaced by the next
             "doejohn_LATE_1002_5002_07_torch_tensors_autograd-1.ipynb": nb["mistake"],
             "leeann_1003_5003_07_torch_tensors_autograd.ipynb": nb["broken"],
             "my homework.ipynb": nb["stub"]}                                          # matches no pattern
    folder.mkdir(parents=True)
    for i, (name, text) in enumerate(files.items()):
        (folder / name).write_text(text, encoding="utf-8")
        os.utime(folder / name, (1_700_000_000 + i, 1_700_000_000 + i))
    return folder


def test_learner_ids_come_from_canvas_and_moodle_names_and_the_newest_counts(course, tmp_path):
    nb = _notebooks(course)
    found = find([_canvas(tmp_path / "canvas", nb)])
    assert set(found.chosen) == {"smithjane_1001", "doejohn_1002", "leeann_1003", "my-homework"}
    assert found.chosen["doejohn_1002"].name.startswith("doejohn_LATE_1002_5002")
    assert any("older" in w and "doejohn_1002" in w for w in found.warnings)
    assert any("my homework.ipynb" in w and "no learner id pattern" in w for w in found.warnings)
    moodle = tmp_path / "moodle"
    for learner, text in (("Jane Smith_1001", nb["solved"]), ("John Doe_1002", nb["stub"])):
        (moodle / f"{learner}_assignsubmission_file_").mkdir(parents=True)
        (moodle / f"{learner}_assignsubmission_file_" / "homework.ipynb").write_text(text, encoding="utf-8")
    assert set(find([moodle]).chosen) == {"Jane-Smith", "John-Doe"}


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    folder = _canvas(tmp_path_factory.mktemp("download") / "canvas", _notebooks(course))
    out = folder.parent / "grades"
    lines = []
    results, csv_path, jsonl_path = grade_download(A, [folder], jobs=2, out=out, course=course, say=lines.append)
    return folder, out, results, csv_path, jsonl_path, lines


def test_a_download_is_graded_into_one_csv_and_json_lines(graded):
    folder, out, results, csv_path, jsonl_path, lines = graded
    assert set(results) == {"smithjane_1001", "doejohn_1002", "leeann_1003", "my-homework"}
    assert results["smithjane_1001"].score == results["smithjane_1001"].max_score > 0
    assert 0 < results["doejohn_1002"].score < results["doejohn_1002"].max_score      # the mistake, not the stub
    assert results["leeann_1003"].score == 0 and results["leeann_1003"].errors        # broken: zero, and why
    rows = {r["learner"]: r for r in csv.DictReader(open(csv_path, encoding="utf-8"))}
    assert {k: float(r["total"]) for k, r in rows.items()} == {k: r.score for k, r in results.items()}
    assert float(rows["doejohn_1002"]["freeze"]) < 3
    lines_jsonl = [json.loads(line) for line in open(jsonl_path, encoding="utf-8")]
    assert {d["learner"]: d["score"] for d in lines_jsonl} == {k: r.score for k, r in results.items()}


def test_grading_the_download_again_grades_nothing_twice(graded, course):
    folder, out, results, *_ = graded
    seeds = {k: r.seed for k, r in ResultStore(out / ".results").results().items()}
    lines = []
    again, *_ = grade_download(A, [folder], jobs=2, out=out, course=course, say=lines.append)
    assert any("4 graded before; grading 0" in line for line in lines), lines
    assert {k: r.seed for k, r in again.items()} == seeds


def test_the_class_report_shows_the_stores_numbers_in_a_browser(graded, course):
    from playwright.sync_api import sync_playwright

    folder, out, results, *_ = graded
    page_path = write_report(A, results=out, out=out / "report.html", course=course)
    summary = summarize(results, notebook_points(course, A))
    mean = sum(r.score for r in results.values()) / len(results)
    assert summary["mean_total"] == pytest.approx(round(mean, 3))
    text = page_path.read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text, "the page must not need the network"
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    assert os.access(chromium, os.X_OK), "Debian's chromium is not installed (scripts/setup.sh installs it)"
    ART.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page()
        page.goto(page_path.as_uri())
        assert page.locator("#mean-total").inner_text() == f"{summary['mean_total']:g}"
        body = page.locator("body").inner_text()
        for row in ("freeze", "leeann_1003", "Similar submissions"):
            assert row in body, row
        assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
        page.screenshot(path=str(ART / "class-report.png"), full_page=True)
        browser.close()
    assert (ART / "class-report.png").stat().st_size > 10_000


def test_near_identical_solutions_are_paired_and_the_template_is_not(course, tmp_path):
    from dlcourse.similarity import similar_pairs

    reference = course.solution(A).read_text(encoding="utf-8")
    renamed = reference.replace("img", "picture").replace("prefixes", "starts")   # a copy with names changed
    files = {"ann": reference, "bob": renamed, "cat": course.notebook(A, "release").read_text(encoding="utf-8")}
    paths = {}
    for learner, text in files.items():
        paths[learner] = tmp_path / (f"{learner}.ipynb" if learner == "cat" else f"{learner}.py")
        paths[learner].write_text(text, encoding="utf-8")
    pairs = similar_pairs(paths, course.notebook(A, "release"), set(notebook_points(course, A)))
    assert [p["learners"] for p in pairs] == [("ann", "bob")], pairs     # the stub is all template: no pair
    assert len(pairs[0]["functions"]) >= 3 and min(pairs[0]["functions"].values()) >= 0.9
